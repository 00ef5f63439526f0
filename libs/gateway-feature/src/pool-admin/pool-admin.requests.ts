// The admin API's request bodies for credentials, deployments and aliases. Field wording is the
// deployment config file's (model-routing's deploymentFieldSchemas), so a field reads the same
// wherever it is written. Every string, list and number is bounded.
import { z } from 'zod';
import { ROUTING_STRATEGY_NAMES, deploymentFieldSchemas as f } from '@shoal/model-routing';

const name = z.string().trim().min(1).max(100);
const alias = f.modelName.max(200);
const url = f.httpUrl.pipe(z.string().max(2000));
const ms = z.number().int().min(1).max(3_600_000);
const limit = f.positiveInt.max(100_000_000);

/** `scope=platform`: the platform-shared entries (a platform admin's); default: the caller's tenant. */
export const scopeQuerySchema = z.strictObject({ scope: z.enum(['tenant', 'platform']).default('tenant') });

export const createCredentialSchema = z.strictObject({
  provider: f.provider,
  name,
  /** the provider's API key: sealed at once, never answered */
  api_key: z.string().trim().min(1).max(4096),
});

/** The re-encryption pass takes no options: an empty object, or no body. */
export const rotateCredentialsSchema = z.strictObject({});

export const updateCredentialSchema = z
  .strictObject({ name: name.optional(), api_key: z.string().trim().min(1).max(4096).optional() })
  .refine((b) => Object.keys(b).length > 0, 'must change at least one of "name", "api_key"');

const deploymentFields = {
  alias,
  provider: f.provider,
  base_url: url,
  credential_id: z.string().regex(/^cred_[a-z0-9]{1,60}$/, 'must be a credential id (cred_…)'),
  upstream_model: f.modelName.max(200),
  weight: z.number().int().min(0).max(1_000_000),
  rpm: limit.nullable(),
  tpm: limit.nullable(),
  max_concurrency: limit.nullable(),
  price_override: f.priceOverride.nullable(),
  timeout_ms: ms.nullable(),
  drained: z.boolean(),
  strict_tools_base_url: url.nullable(),
};

export const createDeploymentSchema = z.strictObject({
  ...deploymentFields,
  upstream_model: deploymentFields.upstream_model.optional(),
  weight: deploymentFields.weight.default(1),
  rpm: deploymentFields.rpm.optional(),
  tpm: deploymentFields.tpm.optional(),
  max_concurrency: deploymentFields.max_concurrency.optional(),
  price_override: deploymentFields.price_override.optional(),
  timeout_ms: deploymentFields.timeout_ms.optional(),
  drained: deploymentFields.drained.default(false),
  strict_tools_base_url: deploymentFields.strict_tools_base_url.optional(),
});

export const updateDeploymentSchema = z
  .strictObject(
    Object.fromEntries(Object.entries(deploymentFields).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof deploymentFields]: z.ZodOptional<(typeof deploymentFields)[K]>;
    },
  )
  .refine((b) => Object.keys(b).length > 0, 'must change at least one field');

export const deploymentStateActionSchema = z.strictObject({ action: z.enum(['drain', 'enable']) });

const aliasFields = {
  name: alias,
  strategy: z.enum(ROUTING_STRATEGY_NAMES),
  fallbacks: z.array(alias).max(10),
  ttft_timeout_ms: ms.nullable(),
  stall_timeout_ms: ms.nullable(),
};

function noSelfFallback(b: { name?: string; fallbacks?: string[] }, ctx: z.RefinementCtx): void {
  (b.fallbacks ?? []).forEach((fb, i) => {
    if (fb === b.name) ctx.addIssue({ code: 'custom', path: ['fallbacks', i], message: 'an alias cannot fall back to itself' });
    else if (b.fallbacks?.indexOf(fb) !== i) ctx.addIssue({ code: 'custom', path: ['fallbacks', i], message: `"${fb}" is listed twice` });
  });
}

export const createAliasSchema = z
  .strictObject({
    ...aliasFields,
    strategy: aliasFields.strategy.default('weighted'),
    fallbacks: aliasFields.fallbacks.default([]),
    ttft_timeout_ms: aliasFields.ttft_timeout_ms.optional(),
    stall_timeout_ms: aliasFields.stall_timeout_ms.optional(),
  })
  .superRefine(noSelfFallback);

export const updateAliasSchema = z
  .strictObject({
    name: aliasFields.name.optional(),
    strategy: aliasFields.strategy.optional(),
    fallbacks: aliasFields.fallbacks.optional(),
    ttft_timeout_ms: aliasFields.ttft_timeout_ms.optional(),
    stall_timeout_ms: aliasFields.stall_timeout_ms.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'must change at least one field')
  .superRefine(noSelfFallback);

export type CreateDeploymentBody = z.infer<typeof createDeploymentSchema>;
export type UpdateDeploymentBody = z.infer<typeof updateDeploymentSchema>;
export type CreateAliasBody = z.infer<typeof createAliasSchema>;
export type UpdateAliasBody = z.infer<typeof updateAliasSchema>;
