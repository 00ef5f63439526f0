import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { INTERNAL_HEADERS } from '@shoal/contracts';
import { ApiError } from '../errors/api-error';
import { createLogger } from '../logging/logger';
import { bearerToken, constantTimeEqual } from './api-key';
import { InternalContextError, verifyInternalContext, type VerifiedInternalContext } from './internal-context';

export const INTERNAL_TOKEN = Symbol('INTERNAL_TOKEN');
const INTERNAL_CONTEXT = 'shoalInternalContext';

type InternalRequest = { headers: Record<string, string | string[] | undefined>; [INTERNAL_CONTEXT]?: VerifiedInternalContext };

/**
 * Service-to-service calls: the shared internal token (header, or Bearer for the openai SDK), and
 * a signed, unexpired call context. The context is what the route acts on (`@InternalCtx()`);
 * loose tenant or call headers are never read.
 */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  private readonly log = createLogger('InternalTokenGuard');
  constructor(@Inject(INTERNAL_TOKEN) private readonly token: string) {}

  canActivate(host: ExecutionContext): boolean {
    this.authenticate(host.switchToHttp().getRequest<InternalRequest>());
    return true;
  }

  /**
   * Checks `req` once and keeps its verified context on it: the edge hook runs this before the
   * body is read, and the guard then finds the request authenticated (verifying the signature again
   * would cost a second HMAC per call).
   */
  authenticate(request: { headers: InternalRequest['headers'] }): VerifiedInternalContext {
    const req = request as InternalRequest;
    return (req[INTERNAL_CONTEXT] ??= this.check(req.headers));
  }

  /**
   * Throws 401 unless `headers` carry the internal token and a valid signed call context, which it
   * returns.
   */
  check(headers: Record<string, string | string[] | undefined>): VerifiedInternalContext {
    const given = headers[INTERNAL_HEADERS.token];
    const presented = (typeof given === 'string' ? given : undefined) ?? bearerToken(headers['authorization']);
    if (!presented || !constantTimeEqual(presented, this.token)) {
      throw new ApiError('unauthorized', 'This is an internal Shoal endpoint: a valid internal token is required');
    }
    const header = headers[INTERNAL_HEADERS.context];
    try {
      return verifyInternalContext(this.token, typeof header === 'string' ? header : undefined);
    } catch (err) {
      if (!(err instanceof InternalContextError)) throw err;
      this.log.warn({ reason: err.reason }, 'internal call refused: its call context is not valid');
      throw new ApiError('unauthorized', `This internal call needs a valid signed call context (${err.reason})`);
    }
  }
}

/** `@InternalCtx() ctx: VerifiedInternalContext` in a controller method behind InternalTokenGuard. */
export const InternalCtx = createParamDecorator((_: unknown, host: ExecutionContext): VerifiedInternalContext => {
  const ctx = host.switchToHttp().getRequest<InternalRequest>()[INTERNAL_CONTEXT];
  if (!ctx) throw new Error('@InternalCtx() used on a route without InternalTokenGuard');
  return ctx;
});
