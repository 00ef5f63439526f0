// Failures of an outbound request, each with a stable code; messages name the host and never carry headers or bodies.

export type OutboundHttpErrorCode =
  'address_refused' | 'dns_failed' | 'too_many_redirects' | 'bad_redirect' | 'response_too_large' | 'timeout' | 'network_error';

export class OutboundHttpError extends Error {
  constructor(
    readonly code: OutboundHttpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundHttpError';
  }
}

/** The address policy refused the connection (SSRF guard). */
export class OutboundAddressRefusedError extends OutboundHttpError {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly addressClass: string,
  ) {
    const what = host === address ? address : `${host} (${address})`;
    super(
      'address_refused',
      `Refused to connect to ${what}: it is a ${addressClass} address, which outbound requests may not reach (an operator can open it with SHOAL_HTTP_ALLOW)`,
    );
    this.name = 'OutboundAddressRefusedError';
  }
}
