import { ApiError, holdsScope, type PoolScope, type RequestContext } from '@shoal/platform';

/** The scope an admin request acts in: its tenant, or the platform-shared entries (a platform admin only). */
export function poolScope(ctx: RequestContext, scope: 'tenant' | 'platform'): PoolScope {
  if (scope === 'tenant') return ctx.tenantId;
  if (!holdsScope(ctx.scopes, 'platform:admin'))
    throw new ApiError('forbidden', 'Platform-shared pool entries need a key with the platform:admin scope', {
      issues: [{ path: 'query.scope', message: 'needs the platform:admin scope' }],
    });
  return null;
}
