import type { ApiKeyView } from '@shoal/platform';

/** A key as the API shows it: never its hash; its secret only in the answer that created it. */
export function presentApiKey(key: ApiKeyView, secret?: string) {
  return {
    id: key.id,
    object: 'api_key',
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    workflow_id: key.workflowId,
    expires_at: key.expiresAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    rate_limit_rpm: key.rateLimitRpm,
    rate_limit_tpm: key.rateLimitTpm,
    created_at: key.createdAt.toISOString(),
    ...(secret !== undefined ? { key: secret } : {}),
  };
}
