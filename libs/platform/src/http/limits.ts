// Request size limits every service applies (Node's own header limit, 16 KB, stays as it is).

/** Longer URLs are a 414 (nginx's default buffer for a request line is 8 KB too). */
export const MAX_URL_LENGTH = 8192;
export const BODY_LIMIT_BYTES = 10 * 1024 * 1024;
