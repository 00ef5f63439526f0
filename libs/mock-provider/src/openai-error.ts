// Error bodies in the OpenAI shape, so OpenAI clients (and the SDK's error classes) react as
// they would to the real API.

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const BY_STATUS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Bad request' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided' },
  403: { type: 'permission_error', code: 'permission_denied', message: 'Permission denied' },
  404: { type: 'invalid_request_error', code: 'not_found', message: 'Not found' },
  409: { type: 'invalid_request_error', code: 'conflict', message: 'Conflict' },
  422: { type: 'invalid_request_error', code: 'unprocessable_entity', message: 'Unprocessable entity' },
  // OpenAI's own rate-limit body: type names the exhausted limit ('requests' or 'tokens').
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request' },
  502: { type: 'server_error', code: 'bad_gateway', message: 'Bad gateway' },
  503: { type: 'server_error', code: 'service_unavailable', message: 'The engine is currently overloaded, please try again later' },
  504: { type: 'server_error', code: 'timeout', message: 'Gateway timeout' },
};

export function openAiError(message: string, type: string, param: string | null = null, code: string | null = null): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

/** The body of an injected status fault; the message says it came from the mock. */
export function injectedError(status: number): OpenAiErrorBody {
  const known = BY_STATUS[status] ?? {
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
    message: `HTTP ${status}`,
  };
  return openAiError(`${known.message} (fault injected by shoal-mock-provider)`, known.type, null, known.code);
}
