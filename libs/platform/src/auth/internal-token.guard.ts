import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { INTERNAL_HEADERS } from '@shoal/contracts';
import { ApiError } from '../errors/api-error';
import { bearerToken, constantTimeEqual } from './api-key';

export const INTERNAL_TOKEN = Symbol('INTERNAL_TOKEN');

/** Service-to-service calls carry the shared internal token (header, or Bearer for the openai SDK). */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  constructor(@Inject(INTERNAL_TOKEN) private readonly token: string) {}

  canActivate(host: ExecutionContext): boolean {
    this.check(host.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers);
    return true;
  }

  /** Throws 401 unless `headers` carry the internal token. */
  check(headers: Record<string, string | string[] | undefined>): void {
    const given = headers[INTERNAL_HEADERS.token];
    const presented = (typeof given === 'string' ? given : undefined) ?? bearerToken(headers['authorization']);
    if (!presented || !constantTimeEqual(presented, this.token)) {
      throw new ApiError('unauthorized', 'This is an internal Shoal endpoint: a valid internal token is required');
    }
  }
}
