// The four services' modules in one Nest application, with an in-process queue instead of Redis
// and run events kept in Postgres. Chat calls (the gateway's chat routes, the engine's LLM nodes)
// reach model-pool's service in process through CHAT_COMPLETIONS_PORT; billing is still reached
// over HTTP on this process's own port.
import type { Duplex } from 'node:stream';
import { Module, type DynamicModule } from '@nestjs/common';
import type { CooldownPolicy, DeploymentConfig } from '@shoal/model-routing';
import {
  PlatformModule,
  type AuthFailureLimits,
  type RateLimitDefaults,
  type InMemoryRunEventLimits,
  type SseLimits,
  type WorkflowLimits,
  type SecretBox,
  type FileStoreSettings,
  DEFAULT_SSE_LIMITS,
} from '@shoal/platform';
import { GatewayModule, type FileLimits } from '@shoal/gateway-feature';
import { DEFAULT_STREAM_LIMITS, type CodeSettings, type DocumentSettings, type StreamLimits } from '@shoal/platform';
import { EngineModule, type EngineOptions } from '@shoal/workflow-engine-feature';
import { ModelPoolModule, type ModelPoolOptions } from '@shoal/model-pool-feature';
import { BillingModule } from '@shoal/billing-feature';
import type { McpClientLimits, OutboundHttpSettings } from '@shoal/outbound-http';

export interface StandaloneOptions {
  databaseUrl: string;
  /** connections to the embedded database from inside the process (EmbeddedPostgres.connect); by `databaseUrl`'s socket when omitted */
  databaseStream?: () => Duplex;
  /** PGlite is one Postgres session: keep it to one connection so transactions never interleave */
  databaseConnections: number;
  /** this process's own URL, where the services reach each other */
  selfUrl: string;
  internalToken: string;
  bootstrapKey: string | undefined;
  deployments: DeploymentConfig;
  /** deployments (by id) served in this process without a socket: the built-in mock provider */
  providerFetch?: ModelPoolOptions['providerFetch'];
  engineConcurrency: number;
  /** the pool's cooldown and breaker settings (MODEL_POOL_BREAKER_*); the defaults when omitted */
  healthPolicy?: Partial<CooldownPolicy>;
  /** seals and opens workflows' secret environment variables (main.ts: a key kept in the data directory); none: secrets are refused */
  secrets?: SecretBox | null;
  /** the usage log's journal (main.ts: a file in the data directory), so a crash loses no call's usage; in memory only when omitted */
  usageJournal?: string;
  /** http-request nodes' allowlist (SHOAL_HTTP_ALLOW) and limits; public addresses only when omitted */
  outboundHttp?: OutboundHttpSettings;
  /** where file bytes are kept (main.ts: SHOAL_FILE_STORE, a directory in the data directory by default); Postgres when omitted */
  fileStore?: FileStoreSettings;
  /** MCP calls' bounds (MCP_*) and MCP servers per tenant; defaults when omitted */
  mcp?: { limits?: Partial<McpClientLimits>; maxServersPerTenant?: number; files?: EngineOptions['toolFiles'] };
  /** the limits distributed mode reads from each service's environment; defaults when omitted */
  limits?: {
    sse?: SseLimits;
    streams?: StreamLimits;
    auth?: AuthFailureLimits;
    rateLimits?: RateLimitDefaults;
    runEvents?: Partial<InMemoryRunEventLimits>;
    workflow?: WorkflowLimits;
    graphql?: { maxDepth: number; maxCost: number; graphiql: boolean };
    files?: FileLimits;
    code?: CodeSettings;
    documents?: DocumentSettings;
  };
}

@Module({})
export class StandaloneModule {
  static register(o: StandaloneOptions): DynamicModule {
    const internal = { baseUrl: o.selfUrl, internalToken: o.internalToken };
    const sse = o.limits?.sse ?? DEFAULT_SSE_LIMITS;
    return {
      module: StandaloneModule,
      imports: [
        PlatformModule.forRoot({
          database: { url: o.databaseUrl, maxConnections: o.databaseConnections, stream: o.databaseStream },
          redis: 'memory',
          runEventStore: 'database',
          usageJournal: o.usageJournal,
          internalToken: o.internalToken,
          auth: o.limits?.auth,
          rateLimits: o.limits?.rateLimits,
          runEvents: o.limits?.runEvents,
        }),
        GatewayModule.register({
          modelPool: 'in-process',
          billing: internal,
          bootstrapKey: o.bootstrapKey,
          blockingTimeoutMs: 300_000,
          sse,
          streams: o.limits?.streams ?? DEFAULT_STREAM_LIMITS,
          workflowLimits: o.limits?.workflow,
          secrets: o.secrets,
          graphql: o.limits?.graphql,
          files: o.limits?.files,
          fileStore: o.fileStore,
          tools: { allow: o.outboundHttp?.allow, limits: o.mcp?.limits, maxServersPerTenant: o.mcp?.maxServersPerTenant },
        }),
        EngineModule.register({
          internalToken: o.internalToken,
          concurrency: o.engineConcurrency,
          workflowLimits: o.limits?.workflow,
          secrets: o.secrets,
          outboundHttp: o.outboundHttp,
          mcp: o.mcp?.limits,
          toolFiles: o.mcp?.files,
          code: o.limits?.code,
          documents: o.limits?.documents,
          fileStore: o.fileStore,
        }),
        ModelPoolModule.register({
          deployments: o.deployments,
          maxAttempts: 3,
          providerFetch: o.providerFetch,
          sse,
          publicApi: false,
          secrets: o.secrets,
          ...(o.healthPolicy ? { healthPolicy: o.healthPolicy } : {}),
        }),
        BillingModule.register({ concurrency: 1 }),
      ],
    };
  }
}
