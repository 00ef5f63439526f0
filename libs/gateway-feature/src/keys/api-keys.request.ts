// The body of POST /v1/api-keys: what a key may do, for how long, on which workflow.
import { z } from 'zod';
import { ApiError, isScope, SCOPES, WORKFLOW_BOUND_SCOPES, type Scope } from '@shoal/platform';

const MAX_KEY_LIFETIME_MS = 10 * 366 * 24 * 3600 * 1000;

export const createApiKeySchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    scopes: z
      .array(z.string().refine(isScope, { message: `must be one of ${SCOPES.join(', ')}` }))
      .min(1, 'must name at least one scope')
      .max(SCOPES.length)
      .refine((s) => new Set(s).size === s.length, 'must not repeat a scope'),
    workflow_id: z.string().startsWith('wf_', 'must be a workflow id (wf_…)').max(64).optional(),
    expires_at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z' }).optional(),
    rate_limit_rpm: z.number().int().min(1).max(1_000_000).optional(),
    rate_limit_tpm: z.number().int().min(1).max(1_000_000_000).optional(),
  })
  .strict();

export type CreateApiKeyBody = z.infer<typeof createApiKeySchema>;

export interface CreateApiKeyInput {
  name: string;
  scopes: Scope[];
  workflowId: string | null;
  expiresAt: Date | null;
  rateLimitRpm: number | null;
  rateLimitTpm: number | null;
}

/** Rules zod cannot see: a bound key only runs and reads, expiry in the future, platform scope only from a platform admin. */
export function toCreateApiKeyInput(body: CreateApiKeyBody, callerScopes: readonly string[], now: Date): CreateApiKeyInput {
  const scopes = body.scopes as Scope[];
  const issues = [];
  if (body.workflow_id) {
    const wider = scopes.filter((s) => !WORKFLOW_BOUND_SCOPES.includes(s));
    if (wider.length)
      issues.push({
        path: 'scopes',
        message: `a key bound to a workflow may only hold ${WORKFLOW_BOUND_SCOPES.join(', ')}; not ${wider.join(', ')}`,
      });
  }
  if (scopes.includes('platform:admin') && !callerScopes.includes('platform:admin'))
    issues.push({ path: 'scopes', message: "only a key with 'platform:admin' may grant it" });
  let expiresAt: Date | null = null;
  if (body.expires_at) {
    expiresAt = new Date(body.expires_at);
    if (expiresAt.getTime() <= now.getTime()) issues.push({ path: 'expires_at', message: 'must be in the future' });
    else if (expiresAt.getTime() - now.getTime() > MAX_KEY_LIFETIME_MS)
      issues.push({ path: 'expires_at', message: 'must be within ten years' });
  }
  if (issues.length) throw ApiError.validation(`Invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
  return {
    name: body.name,
    scopes,
    workflowId: body.workflow_id ?? null,
    expiresAt,
    rateLimitRpm: body.rate_limit_rpm ?? null,
    rateLimitTpm: body.rate_limit_tpm ?? null,
  };
}
