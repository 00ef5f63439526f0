import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RateLimits } from '../rate-limit/rate-limit';

/** Who is calling: passed explicitly as the first argument of every use case. */
export interface RequestContext {
  tenantId: string;
  apiKeyId: string;
  scopes: readonly string[];
  /** a key bound to one workflow may only run that one */
  workflowId: string | null;
  traceparent?: string;
  /** the key's and its tenant's own rate limits (null: the deployment default); absent in contexts not made from a key */
  rateLimits?: { key: RateLimits; tenant: RateLimits };
}

export const REQUEST_CONTEXT = 'shoalContext';

/** `@Ctx() ctx: RequestContext` in a controller method behind ApiKeyGuard. */
export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): RequestContext => {
  const req = host.switchToHttp().getRequest<Record<string, unknown>>();
  const ctx = req[REQUEST_CONTEXT] as RequestContext | undefined;
  if (!ctx) throw new Error('@Ctx() used on a route without ApiKeyGuard');
  return ctx;
});
