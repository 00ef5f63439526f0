// gateway: the public edge (API keys, REST, the OpenAI-compatible API, run events).
import 'reflect-metadata';
import { fileStoreSettingsOf, runService, secretBoxOf, sseLimitsOf, workflowLimitsOf, graphqlOptionsOf } from '@shoal/platform';
import { loadGatewayConfig } from './gateway.config';
import { GatewayModule, fileLimitsOf } from '@shoal/gateway-feature';
import { mcpLimitsOf } from '@shoal/outbound-http';

runService(
  'gateway',
  () => loadGatewayConfig(process.env),
  (config) =>
    GatewayModule.register({
      modelPool: { baseUrl: config.MODEL_POOL_URL, internalToken: config.SHOAL_INTERNAL_TOKEN },
      billing: { baseUrl: config.BILLING_URL, internalToken: config.SHOAL_INTERNAL_TOKEN },
      bootstrapKey: config.SHOAL_BOOTSTRAP_KEY,
      blockingTimeoutMs: config.RUN_BLOCKING_TIMEOUT_MS,
      sse: sseLimitsOf(config),
      streams: { maxPerKey: config.SSE_MAX_STREAMS_PER_KEY, maxPerRun: config.SSE_MAX_STREAMS_PER_RUN },
      workflowLimits: workflowLimitsOf(config),
      secrets: secretBoxOf(config),
      graphql: graphqlOptionsOf(config),
      files: fileLimitsOf(config),
      fileStore: fileStoreSettingsOf(config),
      tools: { allow: config.SHOAL_HTTP_ALLOW, limits: mcpLimitsOf(config), maxServersPerTenant: config.MCP_MAX_SERVERS_PER_TENANT },
    }),
);
