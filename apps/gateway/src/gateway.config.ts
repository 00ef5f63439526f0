import { z } from 'zod';
import { filesEnv } from '@shoal/gateway-feature';
import { mcpEnv, outboundHttpEnv } from '@shoal/outbound-http';
import {
  authEnv,
  checkFileStoreEnv,
  checkHttpEnv,
  databaseEnv,
  env,
  fileStoreEnv,
  graphqlEnv,
  parseConfig,
  runEventsEnv,
  secretsEnv,
  serviceEnv,
  sseEnv,
  workflowLimitsEnv,
} from '@shoal/platform';

export const gatewayConfigSchema = z
  .object({
    PORT: env.port(8080),
    ...serviceEnv,
    ...databaseEnv,
    ...sseEnv,
    ...authEnv,
    ...runEventsEnv,
    ...workflowLimitsEnv,
    ...secretsEnv,
    ...graphqlEnv,
    ...filesEnv,
    ...fileStoreEnv,
    ...mcpEnv,
    /** MCP server URLs obey the same outbound address policy as http-request nodes */
    SHOAL_HTTP_ALLOW: outboundHttpEnv.SHOAL_HTTP_ALLOW,
    MCP_MAX_SERVERS_PER_TENANT: env.positiveInt(20),
    MODEL_POOL_URL: env.url(['http', 'https']),
    BILLING_URL: env.url(['http', 'https']),
    SHOAL_BOOTSTRAP_KEY: z.string().min(20, 'must be at least 20 characters').optional(),
    RUN_BLOCKING_TIMEOUT_MS: env.positiveInt(300_000),
    /** open event streams (run events, streaming runs, streamed chat completions) per API key, per process */
    SSE_MAX_STREAMS_PER_KEY: env.positiveInt(100),
    /** open event streams per run, per process */
    SSE_MAX_STREAMS_PER_RUN: env.positiveInt(20),
  })
  .superRefine(checkHttpEnv)
  .superRefine(checkFileStoreEnv({ dirRequired: true }))
  .superRefine((c, ctx) => {
    // a blocking run answers nothing until it ends: the socket must be allowed to stay silent that long
    if (c.HTTP_CONNECTION_TIMEOUT_MS <= c.RUN_BLOCKING_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['HTTP_CONNECTION_TIMEOUT_MS'], message: 'must be greater than RUN_BLOCKING_TIMEOUT_MS' });
    }
  });
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const loadGatewayConfig = (e: Record<string, string | undefined>) => parseConfig(gatewayConfigSchema, e);
