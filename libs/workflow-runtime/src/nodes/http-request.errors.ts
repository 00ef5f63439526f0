// The http-request node's failures. The class name is the node's error_type, as Dify names its errors.

/** The request could not be built or sent, or its response was refused (Dify's HttpRequestNodeError). */
export class HttpRequestNodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpRequestNodeError';
  }
}

/** The response was larger than allowed (Dify's ResponseSizeError). */
export class ResponseSizeError extends HttpRequestNodeError {
  constructor(message: string) {
    super(message);
    this.name = 'ResponseSizeError';
  }
}

/**
 * A non-2xx answer, a failure only for a node with an error_strategy or retries enabled (otherwise
 * the status is an output like any other), as Dify's node decides.
 */
export class HttpResponseCodeError extends HttpRequestNodeError {
  constructor(readonly status: number) {
    super(`Request failed with status code ${status}`);
    this.name = 'HTTPResponseCodeError';
  }
}
