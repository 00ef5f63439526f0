// Each app parses its environment once, at boot, with a zod schema. A bad value stops the
// process with a message that names the variable; nothing else reads process.env.
import { isIP } from 'node:net';
import { z } from 'zod';
import { SecretBox, parseSecretsKey } from '../secrets/secret-box';

export class ConfigError extends Error {
  constructor(readonly issues: Array<{ variable: string; message: string }>) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  // an empty variable (FOO= in a .env or compose file) means "not set"
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((i) => {
      const variable = i.path.map(String).join('.') || '(environment)';
      // never echo the received value: it may be a secret. A rule across variables (custom) says
      // itself why an unset one is wanted ("is required when …"); any other issue on an unset one is its absence
      return { variable, message: i.code !== 'custom' && cleaned[variable] === undefined ? 'is required' : i.message };
    }),
  );
}

/** Common variable shapes. */
export const env = {
  port: (def: number) => z.coerce.number().int().min(0).max(65535).default(def),
  url: (protocols: string[]) =>
    z.string({ error: 'is required' }).refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol.replace(':', ''));
        } catch {
          return false;
        }
      },
      `must be a URL with protocol ${protocols.join(' or ')}`,
    ),
  secret: (min = 16) => z.string({ error: 'is required' }).min(min, `must be at least ${min} characters`),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  positiveInt: (def: number) => z.coerce.number().int().positive().default(def),
  nonNegativeInt: (def: number) => z.coerce.number().int().min(0).default(def),
};

/** Variables of services that use Postgres. */
export const databaseEnv = {
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  DATABASE_POOL_SIZE: env.positiveInt(10),
  /** the longest one statement may run (lock waits included) before Postgres cancels it */
  DATABASE_STATEMENT_TIMEOUT_MS: env.positiveInt(60_000),
};

/**
 * TRUST_PROXY: which hops may set X-Forwarded-For (and so the client IP that rate limits key on).
 * `false` (default: the peer address is the client), `true` (any: only behind a proxy that always
 * overwrites the header), a hop count, or a comma-separated list of addresses or CIDRs (and the
 * names `loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy = boolean | number | string[];
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const trustProxy = () =>
  z
    .string()
    .default('false')
    .transform((v, ctx): TrustProxy => {
      const t = v.trim().toLowerCase();
      if (t === 'false') return false;
      if (t === 'true') return true;
      if (/^\d{1,3}$/.test(t)) return Number(t);
      const parts = t
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const bad = parts.find((p) => !PROXY_NAMES.has(p) && !isIP(p.split('/')[0]));
      if (parts.length === 0 || bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be false, true, a hop count, or a comma-separated list of addresses/CIDRs' });
        return z.NEVER;
      }
      return parts;
    });

/**
 * The HTTP server's timeouts. Headers and request timeouts bound how long a client may take to
 * *send* its request (a trickled body is cut); they never apply to the response, so long SSE
 * streams and blocking runs are not cut by them. The connection timeout cuts a socket on which
 * nothing moved in either direction for that long (SSE streams ping well within it); keep-alive
 * bounds an idle connection between requests.
 */
export const httpEnv = {
  HTTP_HEADERS_TIMEOUT_MS: env.positiveInt(10_000),
  HTTP_REQUEST_TIMEOUT_MS: env.positiveInt(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: env.positiveInt(72_000),
  HTTP_CONNECTION_TIMEOUT_MS: env.positiveInt(610_000),
  TRUST_PROXY: trustProxy(),
};

/** The cross-field rules of `httpEnv`: use with `.superRefine(checkHttpEnv)` on an app's schema. */
export function checkHttpEnv(c: { HTTP_HEADERS_TIMEOUT_MS: number; HTTP_REQUEST_TIMEOUT_MS: number }, ctx: z.RefinementCtx): void {
  if (c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_REQUEST_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_MS'], message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS' });
  }
}

/** Server-sent event streams: how far a reader may fall behind before it is cut (it reconnects with Last-Event-ID). */
export const sseEnv = {
  SSE_MAX_BUFFER_BYTES: env.positiveInt(1024 * 1024),
  SSE_STALL_TIMEOUT_MS: env.positiveInt(30_000),
  /** Dify's keep-alive: a `ping` event this often on an open run stream */
  SSE_PING_INTERVAL_MS: env.positiveInt(10_000),
};

/** The SSE limits an app's parsed `sseEnv` variables describe. */
export function sseLimitsOf(c: { SSE_MAX_BUFFER_BYTES: number; SSE_STALL_TIMEOUT_MS: number; SSE_PING_INTERVAL_MS: number }): {
  maxBufferedBytes: number;
  stallTimeoutMs: number;
  pingIntervalMs: number;
} {
  return { maxBufferedBytes: c.SSE_MAX_BUFFER_BYTES, stallTimeoutMs: c.SSE_STALL_TIMEOUT_MS, pingIntervalMs: c.SSE_PING_INTERVAL_MS };
}

/** Run event storage bounds (see libs/platform/README.md). */
export const runEventsEnv = {
  RUN_EVENTS_MAX_BYTES_PER_RUN: env.positiveInt(16 * 1024 * 1024),
  RUN_EVENT_FIELD_MAX_BYTES: env.positiveInt(64 * 1024),
  RUN_EVENTS_FINISHED_TTL_SECONDS: env.positiveInt(3600),
};

/**
 * Workflow size bounds (libs/workflow-dsl's limits): the gateway checks graphs and run inputs
 * against them, and the engine applies the same ones, so both must read the same values.
 */
export const workflowLimitsEnv = {
  WORKFLOW_MAX_NODES: env.positiveInt(1000),
  WORKFLOW_MAX_EDGES: env.positiveInt(4000),
  WORKFLOW_MAX_TEMPLATE_CHARS: env.positiveInt(400_000),
  RUN_INPUT_MAX_BYTES: env.positiveInt(200 * 1024),
  RUN_INPUTS_MAX_BYTES: env.positiveInt(1024 * 1024),
  /** Items one iteration node takes (Dify has no cap; its runs stop at 500 steps). */
  WORKFLOW_MAX_ITERATION_ITEMS: env.positiveInt(1000),
  /** The largest loop_count a loop node may run (Dify's LOOP_NODE_MAX_COUNT). */
  WORKFLOW_MAX_LOOP_COUNT: env.positiveInt(100),
  /** Rounds a parallel iteration runs at once, whatever its parallel_nums (Dify's MAX_PARALLEL_LIMIT). */
  WORKFLOW_MAX_ITERATION_PARALLELISM: env.positiveInt(10),
  // a run's bounds, named and defaulted as Dify's
  WORKFLOW_MAX_EXECUTION_STEPS: env.positiveInt(500),
  /** seconds, from the run's creation */
  WORKFLOW_MAX_EXECUTION_TIME: env.positiveInt(1200),
  /** bytes of one variable a node writes */
  MAX_VARIABLE_SIZE: env.positiveInt(200 * 1024),
  WORKFLOW_CALL_MAX_DEPTH: env.positiveInt(5),
};

export interface WorkflowLimits {
  graph: { maxNodes: number; maxEdges: number; maxTemplateLength: number };
  inputs: { maxInputBytes: number; maxTotalInputBytes: number };
  /** Iteration and loop bounds, which the engine applies while running (the runtime's defaults when absent). */
  containers?: { maxIterationItems: number; maxLoopCount: number; maxParallelism: number };
  /** the engine's bounds on one run (libs/workflow-runtime's RunLimits); its defaults when omitted */
  run?: { maxSteps: number; maxRunMs: number; maxVariableBytes: number; maxCallDepth: number };
}

/** The limits an app's parsed `workflowLimitsEnv` variables describe. */
export function workflowLimitsOf(c: {
  WORKFLOW_MAX_NODES: number;
  WORKFLOW_MAX_EDGES: number;
  WORKFLOW_MAX_TEMPLATE_CHARS: number;
  RUN_INPUT_MAX_BYTES: number;
  RUN_INPUTS_MAX_BYTES: number;
  WORKFLOW_MAX_ITERATION_ITEMS?: number;
  WORKFLOW_MAX_LOOP_COUNT?: number;
  WORKFLOW_MAX_ITERATION_PARALLELISM?: number;
  WORKFLOW_MAX_EXECUTION_STEPS: number;
  WORKFLOW_MAX_EXECUTION_TIME: number;
  MAX_VARIABLE_SIZE: number;
  WORKFLOW_CALL_MAX_DEPTH: number;
}): WorkflowLimits {
  const limits: WorkflowLimits = {
    graph: { maxNodes: c.WORKFLOW_MAX_NODES, maxEdges: c.WORKFLOW_MAX_EDGES, maxTemplateLength: c.WORKFLOW_MAX_TEMPLATE_CHARS },
    inputs: { maxInputBytes: c.RUN_INPUT_MAX_BYTES, maxTotalInputBytes: c.RUN_INPUTS_MAX_BYTES },
    run: {
      maxSteps: c.WORKFLOW_MAX_EXECUTION_STEPS,
      maxRunMs: c.WORKFLOW_MAX_EXECUTION_TIME * 1000,
      maxVariableBytes: c.MAX_VARIABLE_SIZE,
      maxCallDepth: c.WORKFLOW_CALL_MAX_DEPTH,
    },
  };
  if (
    c.WORKFLOW_MAX_ITERATION_ITEMS !== undefined &&
    c.WORKFLOW_MAX_LOOP_COUNT !== undefined &&
    c.WORKFLOW_MAX_ITERATION_PARALLELISM !== undefined
  )
    limits.containers = {
      maxIterationItems: c.WORKFLOW_MAX_ITERATION_ITEMS,
      maxLoopCount: c.WORKFLOW_MAX_LOOP_COUNT,
      maxParallelism: c.WORKFLOW_MAX_ITERATION_PARALLELISM,
    };
  return limits;
}

/** API-key authentication: failed attempts per client IP before 429. */
export const authEnv = {
  AUTH_FAILURES_PER_IP: env.positiveInt(20),
  AUTH_FAILURE_WINDOW_MS: env.positiveInt(60_000),
  // default rate limits, per minute, for keys and tenants without their own; 0: no limit
  RATE_LIMIT_KEY_RPM: env.nonNegativeInt(0),
  RATE_LIMIT_KEY_TPM: env.nonNegativeInt(0),
  RATE_LIMIT_TENANT_RPM: env.nonNegativeInt(0),
  RATE_LIMIT_TENANT_TPM: env.nonNegativeInt(0),
};

/** The default rate limits the auth variables describe (0 is no limit). */
export function rateLimitDefaultsOf(config: {
  RATE_LIMIT_KEY_RPM?: number;
  RATE_LIMIT_KEY_TPM?: number;
  RATE_LIMIT_TENANT_RPM?: number;
  RATE_LIMIT_TENANT_TPM?: number;
}) {
  const or = (n: number | undefined) => (n ? n : null);
  return {
    key: { rpm: or(config.RATE_LIMIT_KEY_RPM), tpm: or(config.RATE_LIMIT_KEY_TPM) },
    tenant: { rpm: or(config.RATE_LIMIT_TENANT_RPM), tpm: or(config.RATE_LIMIT_TENANT_TPM) },
  };
}

/** Variables every service reads. */
export const serviceEnv = {
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: env.url(['redis', 'rediss']),
  REDIS_PREFIX: z.string().default('shoal:'),
  SHOAL_INTERNAL_TOKEN: env.secret(),
  LOG_LEVEL: env.logLevel(),
  ...httpEnv,
};

const secretKey = () =>
  z.string().refine((v) => parseSecretsKey(v) !== null, 'must be base64 of exactly 32 bytes (openssl rand -base64 32)');

/**
 * SHOAL_SECRET_KEY: the AES-256-GCM key (base64 of 32 bytes; `openssl rand -base64 32`) that seals
 * secrets at rest: provider credentials (model-pool opens them, the gateway seals them) and
 * workflows' secret environment variables (the gateway seals, the engine opens). Services that share
 * secrets need the same one. SHOAL_SECRETS_KEY is its older name, still read. Rotation:
 * SHOAL_SECRET_KEY_PREVIOUS lists old keys (comma-separated) that still open what they sealed until
 * the re-encryption pass (POST /v1/admin/credentials/rotate) has resealed everything.
 */
export const secretsEnv = {
  SHOAL_SECRET_KEY: secretKey().optional(),
  SHOAL_SECRETS_KEY: secretKey().optional(),
  SHOAL_SECRET_KEY_PREVIOUS: z
    .string()
    .refine(
      (v) => v.split(',').every((k) => k.trim() === '' || parseSecretsKey(k) !== null),
      'must be a comma-separated list of base64 keys of exactly 32 bytes each',
    )
    .optional(),
};

/**
 * The one reading of the secret key variables: the current key (SHOAL_SECRET_KEY, or its older name
 * SHOAL_SECRETS_KEY; both set must agree) and the previous ones; null when no key is configured.
 * @throws ConfigError naming the variable
 */
export function parseSecretKeys(c: {
  SHOAL_SECRET_KEY?: string;
  SHOAL_SECRETS_KEY?: string;
  SHOAL_SECRET_KEY_PREVIOUS?: string;
}): { current: Buffer; previous: Buffer[] } | null {
  const current = c.SHOAL_SECRET_KEY ? parseSecretsKey(c.SHOAL_SECRET_KEY) : null;
  const legacy = c.SHOAL_SECRETS_KEY ? parseSecretsKey(c.SHOAL_SECRETS_KEY) : null;
  if (current && legacy && !current.equals(legacy))
    throw new ConfigError([
      { variable: 'SHOAL_SECRETS_KEY', message: 'differs from SHOAL_SECRET_KEY (its newer name); set only SHOAL_SECRET_KEY' },
    ]);
  const previous = (c.SHOAL_SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .map((k) => parseSecretsKey(k))
    .filter((k): k is Buffer => k !== null);
  const key = current ?? legacy;
  if (!key) {
    if (previous.length > 0)
      throw new ConfigError([{ variable: 'SHOAL_SECRET_KEY', message: 'is required when SHOAL_SECRET_KEY_PREVIOUS is set' }]);
    return null;
  }
  return { current: key, previous };
}

/** The SecretBox an app's parsed `secretsEnv` describes; null when no key is configured. */
export function secretBoxOf(c: {
  SHOAL_SECRET_KEY?: string;
  SHOAL_SECRETS_KEY?: string;
  SHOAL_SECRET_KEY_PREVIOUS?: string;
}): SecretBox | null {
  const keys = parseSecretKeys(c);
  return keys ? new SecretBox(keys.current, keys.previous) : null;
}

/** GraphQL's bounds, and GraphiQL (development only: its page loads its UI from a CDN). */
export const graphqlEnv = {
  GRAPHQL_MAX_DEPTH: env.positiveInt(8),
  GRAPHQL_MAX_COST: env.positiveInt(5000),
  GRAPHIQL: z.enum(['true', 'false']).default('false'),
};

export function graphqlOptionsOf(c: { GRAPHQL_MAX_DEPTH: number; GRAPHQL_MAX_COST: number; GRAPHIQL: 'true' | 'false' }) {
  return { maxDepth: c.GRAPHQL_MAX_DEPTH, maxCost: c.GRAPHQL_MAX_COST, graphiql: c.GRAPHIQL === 'true' };
}
