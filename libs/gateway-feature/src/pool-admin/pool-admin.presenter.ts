// The admin API's answers: snake_case, ISO times, and never a credential's secret (only its hint).
import type { DeploymentLiveState } from '@shoal/contracts';
import { upstreamModelNotice } from '@shoal/model-routing';
import type { CredentialView, PoolAliasRecord, PoolDeploymentRecord } from '@shoal/platform';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A 4-character hint of a key, and only of one long enough that 4 characters leave it secret. */
export function keyHint(apiKey: string): string {
  return apiKey.length >= 16 ? `…${apiKey.slice(-4)}` : '…';
}

export function presentCredential(c: CredentialView) {
  return {
    id: c.id,
    object: 'provider_credential' as const,
    shared: c.tenantId === null,
    provider: c.provider,
    name: c.name,
    hint: c.hint,
    key_id: c.keyId,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    rotated_at: iso(c.rotatedAt),
  };
}

export function presentDeployment(d: PoolDeploymentRecord) {
  return {
    id: d.id,
    object: 'deployment' as const,
    shared: d.tenantId === null,
    alias: d.alias,
    provider: d.provider,
    base_url: d.baseUrl,
    credential_id: d.credentialId,
    upstream_model: d.upstreamModel,
    weight: d.weight,
    rpm: d.rpm,
    tpm: d.tpm,
    max_concurrency: d.maxConcurrency,
    price_override: d.priceOverride,
    timeout_ms: d.timeoutMs,
    drained: d.drained,
    strict_tools_base_url: d.strictToolsBaseUrl,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
  };
}

export function presentAlias(a: PoolAliasRecord) {
  return {
    id: a.id,
    object: 'model_alias' as const,
    shared: a.tenantId === null,
    name: a.name,
    strategy: a.strategy,
    fallbacks: a.fallbacks,
    ttft_timeout_ms: a.ttftTimeoutMs,
    stall_timeout_ms: a.stallTimeoutMs,
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
  };
}

/** One word for what an operator wants to know first, then the details it comes from. */
function status(d: PoolDeploymentRecord, live: DeploymentLiveState, nowMs: number): string {
  if (d.drained) return 'drained';
  if (!live.loaded) return 'not_loaded';
  if (live.health?.breaker === 'open') return 'breaker_open';
  if (live.health?.cooldown && live.health.cooldown.untilMs > nowMs) return 'cooling_down';
  if (live.health?.breaker === 'half_open') return 'probing';
  return 'healthy';
}

export function presentDeploymentState(d: PoolDeploymentRecord, live: DeploymentLiveState, nowMs: number) {
  const notice = upstreamModelNotice(d.provider, d.upstreamModel);
  const h = live.health;
  return {
    id: d.id,
    object: 'deployment_state' as const,
    status: status(d, live, nowMs),
    alias: d.alias,
    provider: d.provider,
    upstream_model: d.upstreamModel,
    drained: d.drained,
    weight: d.weight,
    upstream_model_notice: notice ? { status: notice.status, replacement: notice.replacement, message: notice.note } : null,
    loaded: live.loaded,
    problem: live.problem ?? null,
    config_version: live.configVersion,
    cooldown: h?.cooldown ? { until: new Date(h.cooldown.untilMs).toISOString(), reason: h.cooldown.reason } : null,
    breaker: h?.breaker ?? null,
    consecutive_failures: h?.consecutiveFailures ?? 0,
    last_failure_kind: h?.lastFailureKind ?? null,
    in_flight: h?.inFlight ?? 0,
    max_concurrency: d.maxConcurrency,
    ttft_ewma_ms: h?.ttftEwmaMs ?? null,
    latency_ewma_ms: h?.latencyEwmaMs ?? null,
    recent_error_rate: h?.recentErrorRate ?? null,
    rpm_used: h?.rpmUsed ?? null,
    rpm_limit: d.rpm,
    tpm_used: h?.tpmUsed ?? null,
    tpm_limit: d.tpm,
    shared_health: h?.shared ?? null,
  };
}
