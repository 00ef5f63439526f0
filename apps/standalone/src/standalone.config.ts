import path from 'node:path';
import { z } from 'zod';
import { filesEnv } from '@shoal/gateway-feature';
import { mcpEnv, mcpFilesEnv, outboundHttpEnv } from '@shoal/outbound-http';
import {
  authEnv,
  checkFileStoreEnv,
  checkHttpEnv,
  codeSandboxEnv,
  documentExtractorEnv,
  env,
  fileStoreEnv,
  fileStoreKindEnv,
  graphqlEnv,
  httpEnv,
  parseConfig,
  runEventsEnv,
  sseEnv,
  workflowLimitsEnv,
} from '@shoal/platform';

export const standaloneConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(8080),
    HOST: z.string().default('127.0.0.1'),
    SHOAL_DATA_DIR: z
      .string()
      .default('.shoal')
      .transform((p) => path.resolve(p)),
    /**
     * Where standalone keeps what it can rebuild (local/cache-dir.ts): the empty database a new
     * data directory is copied from, and V8's compiled code (compile-cache.ts). Default
     * `$XDG_CACHE_HOME/shoal` or `~/.cache/shoal`; empty: nothing is kept.
     */
    SHOAL_CACHE_DIR: z.string().optional(),
    SHOAL_BOOTSTRAP_KEY: z.string().min(20, 'must be at least 20 characters').optional(),
    MODEL_POOL_CONFIG: z.string().optional(),
    /** serve mock-chat from this OpenAI-compatible URL instead of the built-in mock provider (tests, fault-injection demos) */
    SHOAL_MOCK_PROVIDER_URL: z.url().optional(),
    DEEPSEEK_API_KEY: z.string().optional(),
    DEEPSEEK_BASE_URL: z.string().optional(),
    OPENAI_API_KEY: z.string().optional(),
    OPENAI_BASE_URL: z.string().optional(),
    // runs wait on LLM calls far more than they compute (see the engine's default)
    ENGINE_CONCURRENCY: env.positiveInt(64),
    /** as model-pool's: transient failures in a row (within a minute) that open a deployment's circuit breaker */
    MODEL_POOL_BREAKER_THRESHOLD: env.positiveInt(3),
    /** as model-pool's: how long a breaker stays open before one half-open probe (doubling per failed probe) */
    MODEL_POOL_BREAKER_OPEN_MS: env.positiveInt(10_000),
    LOG_LEVEL: env.logLevel().default('warn'),
    ...httpEnv,
    ...sseEnv,
    ...authEnv,
    ...runEventsEnv,
    ...workflowLimitsEnv,
    ...codeSandboxEnv,
    ...documentExtractorEnv,
    ...graphqlEnv,
    ...filesEnv,
    ...fileStoreEnv,
    /** files under SHOAL_DATA_DIR/files unless told otherwise (postgres keeps them in PGlite) */
    SHOAL_FILE_STORE: fileStoreKindEnv('fs'),
    ...outboundHttpEnv,
    ...mcpEnv,
    ...mcpFilesEnv,
    /** bytes of finished runs' events the in-process store keeps */
    RUN_EVENTS_MEMORY_MAX_BYTES: env.positiveInt(64 * 1024 * 1024),
    SSE_MAX_STREAMS_PER_KEY: env.positiveInt(100),
    SSE_MAX_STREAMS_PER_RUN: env.positiveInt(20),
  })
  .superRefine(checkHttpEnv)
  .superRefine(checkFileStoreEnv({ dirRequired: false }));
export type StandaloneConfig = z.infer<typeof standaloneConfigSchema>;

export const loadStandaloneConfig = (e: Record<string, string | undefined>) => parseConfig(standaloneConfigSchema, e);
