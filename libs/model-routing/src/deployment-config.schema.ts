// The config file's schema, and the wording of its errors.
import { z } from 'zod';
import { PROVIDER_KINDS, ROUTING_STRATEGY_NAMES } from './deployment';
import type { ConfigIssue } from './deployment-config.error';

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const modelName = z.string().regex(/^\S+$/, 'must be a non-empty model name without spaces');
const httpUrl = z.string().refine(isHttpUrl, 'must be a URL');
const positiveInt = z.number().int().min(1);
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal string such as "0.27"');
const priceOverride = z.strictObject({
  inputPerMillion: decimal,
  outputPerMillion: decimal,
  cachedInputPerMillion: decimal.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter currency code such as "USD"'),
});

/** The field schemas (and wording) a deployment's settings share wherever they are written: the file, the admin API. */
export const deploymentFieldSchemas = { modelName, httpUrl, positiveInt, decimal, priceOverride, provider: z.enum(PROVIDER_KINDS) };

const deploymentSchema = z.strictObject({
  id: z.string().regex(/^dep_[A-Za-z0-9._-]+$/, 'must be "dep_" followed by letters, digits, ".", "_" or "-"'),
  model: modelName,
  provider: z.enum(PROVIDER_KINDS),
  baseUrl: httpUrl,
  apiKey: z.string().min(1).optional(),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  upstreamModel: z.string().min(1).optional(),
  weight: z.number().int().min(0).default(1),
  rpm: positiveInt.optional(),
  tpm: positiveInt.optional(),
  timeoutMs: positiveInt.optional(),
  maxConcurrency: positiveInt.optional(),
  contextWindow: positiveInt.optional(),
  /** where requests with strict tool schemas go (DeepSeek: its beta base URL, the default) */
  strictToolsBaseUrl: httpUrl.optional(),
  priceOverride: priceOverride.optional(),
  fallbacks: z.array(modelName).optional(),
});
export type DeploymentEntry = z.infer<typeof deploymentSchema>;

const aliasSchema = z.strictObject({
  name: modelName,
  strategy: z.enum(ROUTING_STRATEGY_NAMES).optional(),
  fallbacks: z.array(modelName).max(16).optional(),
  ttftTimeoutMs: positiveInt.optional(),
  stallTimeoutMs: positiveInt.optional(),
});
export type AliasEntry = z.infer<typeof aliasSchema>;

const fileSchema = z.strictObject({
  $schema: z.string().optional(),
  deployments: z.array(deploymentSchema),
  /** Per-alias settings for aliases the deployments define (strategy, fallbacks, stream timeouts). */
  aliases: z.array(aliasSchema).max(1000).optional(),
});

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

// Our own wording for zod's issues: short, and never echoing the input (it may be a key).
const errorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      return `must be ${article(iss.expected === 'int' ? 'integer' : iss.expected)}`;
    case 'too_small':
      if (iss.origin === 'string') return 'must not be empty';
      if (iss.origin === 'array') return `must have at least ${String(iss.minimum)} item(s)`;
      return `must be ${iss.inclusive ? '≥' : '>'} ${String(iss.minimum)}`;
    case 'too_big':
      return `must be ${iss.inclusive ? '≤' : '<'} ${String(iss.maximum)}`;
    case 'invalid_value':
      return `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return 'is invalid';
  }
};

/** Parses the file's JSON; on failure, one issue per problem, each with its path. */
export function parseConfigFile(file: unknown): { entries: DeploymentEntry[]; aliases: AliasEntry[] } | { issues: ConfigIssue[] } {
  const parsed = fileSchema.safeParse(file, { error: errorMap });
  if (parsed.success) return { entries: parsed.data.deployments, aliases: parsed.data.aliases ?? [] };
  return { issues: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
}
