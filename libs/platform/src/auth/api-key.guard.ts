import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { REQUEST_CONTEXT } from './request-context';

type Req = { headers: Record<string, string | string[] | undefined>; ip?: string } & Record<string, unknown>;

/**
 * Requires a valid API key. The edge hook (EdgeAuth) normally authenticated the request already,
 * before its body was read; this guard is what declares the requirement, and authenticates itself
 * when the hook did not run.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  // null in a service without a database, where no route may use it
  constructor(@Inject(ApiKeyAuthenticator) private readonly auth: ApiKeyAuthenticator | null) {}

  async canActivate(host: ExecutionContext): Promise<boolean> {
    const req = host.switchToHttp().getRequest<Req>();
    if (req[REQUEST_CONTEXT]) return true;
    if (!this.auth) throw new Error('ApiKeyGuard used in a service without a database');
    req[REQUEST_CONTEXT] = await this.auth.authenticate(req.headers, req.ip ?? 'unknown');
    return true;
  }
}
