import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { REQUEST_CONTEXT, type RequestContext } from './request-context';
import { checkScope, scopeOf } from './scope.check';

type Req = { headers: Record<string, string | string[] | undefined>; ip?: string } & Record<string, unknown>;

/**
 * Requires a valid API key, holding the scope the route declares with @RequireScope. The edge hook (EdgeAuth) normally authenticated the request already,
 * before its body was read; this guard is what declares the requirement, and authenticates itself
 * when the hook did not run.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  // null in a service without a database, where no route may use it
  constructor(@Inject(ApiKeyAuthenticator) private readonly auth: ApiKeyAuthenticator | null) {}

  async canActivate(host: ExecutionContext): Promise<boolean> {
    const req = host.switchToHttp().getRequest<Req>();
    let ctx = req[REQUEST_CONTEXT] as RequestContext | undefined;
    if (!ctx) {
      if (!this.auth) throw new Error('ApiKeyGuard used in a service without a database');
      ctx = await this.auth.authenticate(req.headers, req.ip ?? 'unknown');
      req[REQUEST_CONTEXT] = ctx;
    }
    // the edge hook checked it already; checking again costs a lookup and keeps the guard whole on its own
    const scope = scopeOf(host.getHandler(), host.getClass());
    if (scope) checkScope(ctx, scope);
    return true;
  }
}
