// The admin API's answers, for the OpenAPI document (the presenters build these objects).
import { z } from 'zod';

const isoTime = z.string().describe('ISO 8601 date-time');
const int = z.number().int();

export const credentialResponse = z.object({
  id: z.string().describe('cred_…'),
  object: z.literal('provider_credential'),
  shared: z.boolean().describe('platform-shared (defined by a platform admin)'),
  provider: z.string(),
  name: z.string(),
  hint: z.string().describe('the key’s last 4 characters (keys of 16 characters or more), never the key'),
  key_id: z.string().describe('the SHOAL_SECRET_KEY that sealed it (a fingerprint)'),
  created_at: isoTime,
  updated_at: isoTime,
  rotated_at: isoTime.nullable(),
});

const priceOverride = z.object({
  inputPerMillion: z.string(),
  outputPerMillion: z.string(),
  cachedInputPerMillion: z.string().optional(),
  currency: z.string(),
});

export const deploymentResponse = z.object({
  id: z.string().describe('dep_…'),
  object: z.literal('deployment'),
  shared: z.boolean(),
  alias: z.string(),
  provider: z.string(),
  base_url: z.string(),
  credential_id: z.string(),
  upstream_model: z.string(),
  weight: int,
  rpm: int.nullable(),
  tpm: int.nullable(),
  max_concurrency: int.nullable(),
  price_override: priceOverride.nullable(),
  timeout_ms: int.nullable(),
  drained: z.boolean(),
  strict_tools_base_url: z.string().nullable(),
  created_at: isoTime,
  updated_at: isoTime,
});

export const aliasResponse = z.object({
  id: z.string().describe('alias_…'),
  object: z.literal('model_alias'),
  shared: z.boolean(),
  name: z.string(),
  strategy: z.string(),
  fallbacks: z.array(z.string()),
  ttft_timeout_ms: int.nullable(),
  stall_timeout_ms: int.nullable(),
  created_at: isoTime,
  updated_at: isoTime,
});

export const deploymentStateResponse = z.object({
  id: z.string(),
  object: z.literal('deployment_state'),
  status: z.enum(['healthy', 'cooling_down', 'breaker_open', 'probing', 'drained', 'not_loaded']),
  alias: z.string(),
  provider: z.string(),
  upstream_model: z.string(),
  drained: z.boolean(),
  weight: int,
  upstream_model_notice: z.object({ status: z.string(), replacement: z.string(), message: z.string() }).nullable(),
  loaded: z.boolean().describe('model-pool routes with it'),
  problem: z.string().nullable().describe('why model-pool left it out (a credential that does not open)'),
  config_version: int,
  cooldown: z.object({ until: isoTime, reason: z.string() }).nullable(),
  breaker: z.string().nullable(),
  consecutive_failures: int,
  last_failure_kind: z.string().nullable(),
  in_flight: int,
  max_concurrency: int.nullable(),
  ttft_ewma_ms: z.number().nullable(),
  latency_ewma_ms: z.number().nullable(),
  recent_error_rate: z.number().nullable(),
  rpm_used: int.nullable(),
  rpm_limit: int.nullable(),
  tpm_used: int.nullable(),
  tpm_limit: int.nullable(),
  shared_health: z.boolean().nullable().describe('false: this model-pool replica’s own view (the shared store is unreachable)'),
});

export const rotationResponse = z.object({
  key_id: z.string(),
  targets: z.array(z.object({ target: z.string(), resealed: int, current: int, failed: z.array(z.string()) })),
});

const list = <T extends z.ZodType>(item: T) => z.object({ object: z.literal('list'), data: z.array(item) });
export const credentialListResponse = list(credentialResponse);
export const deploymentListResponse = list(deploymentResponse);
export const aliasListResponse = list(aliasResponse);
