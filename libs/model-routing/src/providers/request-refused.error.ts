// A request Shoal refuses for a deployment before calling it, worded and shaped as the provider's
// own 400 would be, so the error classifier reads it as the client's fault (no failover, no cooldown).

export class RequestRefusedError extends Error {
  override readonly name = 'RequestRefusedError';
  readonly status = 400;
  readonly error: { message: string; type: 'invalid_request_error'; param: string; code: string };
  constructor(message: string, param: string, code = 'invalid_request') {
    super(message);
    this.error = { message, type: 'invalid_request_error', param, code };
  }
}
