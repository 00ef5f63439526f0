// The four services' Nest modules in one process on real Postgres and Redis (unlike standalone
// mode, which swaps Redis for in-process parts), LLM calls to the mock provider. For integration
// tests that drive every route over HTTP.
import { randomBytes } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { loadDeploymentConfig } from '@shoal/model-routing';
import {
  DEFAULT_SSE_LIMITS,
  PlatformModule,
  SecretBox,
  createHttpApp,
  createPrismaClient,
  listen,
  type FileStoreSettings,
  type PrismaClient,
  type RouteEntry,
} from '@shoal/platform';
import {
  dropRedisPrefixes,
  createTestDatabase,
  freePort,
  startMockProvider,
  testRedisPrefix,
  testRedisUrl,
  type MockProvider,
  type TestDatabase,
} from '@shoal/testing';
import { GatewayModule } from '@shoal/gateway-feature';
import { DEFAULT_STREAM_LIMITS } from '@shoal/platform';
import { EngineModule, type EngineOptions } from '@shoal/workflow-engine-feature';
import { ModelPoolModule } from '@shoal/model-pool-feature';
import { BillingModule } from '@shoal/billing-feature';

export interface InProcessServices {
  url: string;
  databaseUrl: string;
  redisPrefix: string;
  apiKey: string;
  internalToken: string;
  app: NestFastifyApplication;
  /** every route the app registered, from its router */
  routes: RouteEntry[];
  prisma: PrismaClient;
  mock: MockProvider;
  /** the SecretBox every service of this process shares (SHOAL_SECRET_KEY), and its key */
  secrets: SecretBox;
  secretKey: Buffer;
  close(): Promise<void>;
}

export interface InProcessOptions {
  /** how often open run streams send `ping` (the 10 s default when omitted) */
  pingIntervalMs?: number;
  /** http-request nodes' allowlist and limits (public addresses only when omitted) */
  outboundHttp?: EngineOptions['outboundHttp'];
  /** where the gateway and the engine keep file bytes (Postgres when omitted) */
  fileStore?: FileStoreSettings;
}

export async function startInProcessServices(label: string, opts: InProcessOptions = {}): Promise<InProcessServices> {
  const apiKey = `sk-shoal-${label}-${randomBytes(12).toString('hex')}`;
  const internalToken = randomBytes(16).toString('hex');
  const db: TestDatabase = await createTestDatabase(label);
  const prefix = testRedisPrefix(label);
  const mock = await startMockProvider();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const deployments = loadDeploymentConfig({
    file: {
      deployments: [{ id: 'dep_mock', model: 'mock-chat', provider: 'openai-compatible', baseUrl: mock.url, apiKey: 'mock', weight: 1 }],
    },
    env: {},
  });
  const internal = { baseUrl: url, internalToken };
  const secretKey = randomBytes(32);
  const secrets = new SecretBox(secretKey);
  const modules: DynamicModule[] = [
    PlatformModule.forRoot({ database: { url: db.url, maxConnections: 5 }, redis: { url: testRedisUrl(), prefix }, internalToken }),
    GatewayModule.register({
      modelPool: 'in-process',
      billing: internal,
      bootstrapKey: apiKey,
      blockingTimeoutMs: 30_000,
      sse: { ...DEFAULT_SSE_LIMITS, ...(opts.pingIntervalMs ? { pingIntervalMs: opts.pingIntervalMs } : {}) },
      streams: DEFAULT_STREAM_LIMITS,
      secrets,
      tools: { allow: opts.outboundHttp?.allow },
      fileStore: opts.fileStore,
    }),
    EngineModule.register({ internalToken, concurrency: 2, secrets, outboundHttp: opts.outboundHttp, fileStore: opts.fileStore }),
    ModelPoolModule.register({ deployments, maxAttempts: 2, sse: DEFAULT_SSE_LIMITS, publicApi: false, secrets, healthPolicy: NO_BREAKER }),
    BillingModule.register({ concurrency: 1, blockMs: 200 }),
  ];
  @Module({ imports: modules })
  class AllServicesModule {}
  const app = await createHttpApp(AllServicesModule, { shutdownHooks: false });
  await listen(app, { port, host: '127.0.0.1' });
  const routes = (app.getHttpAdapter().getInstance() as FastifyInstance).shoalRoutes?.list() ?? [];
  const prisma = createPrismaClient({ url: db.url, maxConnections: 2 });
  return {
    url,
    databaseUrl: db.url,
    redisPrefix: prefix,
    apiKey,
    internalToken,
    app,
    routes,
    prisma,
    mock,
    secrets,
    secretKey,
    close: async () => {
      await app.close();
      await prisma.$disconnect();
      await mock.close();
      await db.drop();
      await dropRedisPrefixes([prefix]);
    },
  };
}

/**
 * A second gateway on the same Postgres and Redis (a replica behind a load balancer), relaying to
 * the services of `s`. What replicas share (rate limits, revocations, run events) is shared here.
 */
export async function startGatewayReplica(
  s: InProcessServices,
  platform: Partial<Parameters<typeof PlatformModule.forRoot>[0]> = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const internal = { baseUrl: s.url, internalToken: s.internalToken };
  @Module({
    imports: [
      PlatformModule.forRoot({
        database: { url: s.databaseUrl, maxConnections: 3 },
        redis: { url: testRedisUrl(), prefix: s.redisPrefix },
        internalToken: s.internalToken,
        ...platform,
      }),
      GatewayModule.register({
        modelPool: internal,
        billing: internal,
        bootstrapKey: undefined,
        blockingTimeoutMs: 30_000,
        sse: DEFAULT_SSE_LIMITS,
        streams: DEFAULT_STREAM_LIMITS,
      }),
    ],
  })
  class GatewayReplicaModule {}
  const app = await createHttpApp(GatewayReplicaModule, { shutdownHooks: false });
  await listen(app, { port, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * A second model-pool on the same Postgres and Redis (a replica behind the edge), serving the public
 * chat routes with API keys. It hears pool config changes as any replica does: over Redis pub/sub,
 * and by its periodic version check (`configPollMs`, long by default here so that a test proves the push).
 */
export async function startModelPoolReplica(
  s: InProcessServices,
  opts: { configPollMs?: number } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const deployments = loadDeploymentConfig({
    file: {
      deployments: [{ id: 'dep_mock', model: 'mock-chat', provider: 'openai-compatible', baseUrl: s.mock.url, apiKey: 'mock', weight: 1 }],
    },
    env: {},
  });
  @Module({
    imports: [
      PlatformModule.forRoot({
        database: { url: s.databaseUrl, maxConnections: 3 },
        redis: { url: testRedisUrl(), prefix: s.redisPrefix },
        internalToken: s.internalToken,
      }),
      ModelPoolModule.register({
        deployments,
        healthPolicy: NO_BREAKER,
        maxAttempts: 2,
        sse: DEFAULT_SSE_LIMITS,
        publicApi: true,
        secrets: s.secrets,
        configPollMs: opts.configPollMs ?? 60_000,
      }),
    ],
  })
  class ModelPoolReplicaModule {}
  const app = await createHttpApp(ModelPoolReplicaModule, { shutdownHooks: false });
  await listen(app, { port, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
/**
 * Tests inject provider faults into the one mock deployment every test of a file shares: a breaker
 * opened by one test's 500s would turn the next test's calls away. The breaker has tests of its own
 * (model-routing's health specs, the Redis health store's, shared-health e2e).
 */
const NO_BREAKER = { failureThreshold: 1_000_000 };
