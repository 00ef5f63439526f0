// What the pool admin controllers share: the platform's HTTP pieces and the scope of a request.
import { parseBody, type PoolScope, type RequestContext } from '@shoal/platform';
import { poolScope } from './pool-scope';
import { scopeQuerySchema } from './pool-admin.requests';

export { ApiDoc, ApiKeyGuard, Ctx, RequireScope, parseBody, type RequestContext } from '@shoal/platform';

/** The scope named by the request's `scope` query parameter, checked against the key's scopes. */
export function poolScopeCheck(ctx: RequestContext, query: unknown): PoolScope {
  return poolScope(ctx, parseBody(scopeQuerySchema, query ?? {}, 'query').scope);
}
