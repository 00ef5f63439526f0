// The four services' Nest modules in one process on real Postgres and Redis (unlike standalone
// mode, which swaps Redis for in-process parts), LLM calls to the mock provider. For integration
// tests that drive every route over HTTP.
import { randomBytes } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { loadDeploymentConfig } from '@shoal/model-routing';
import {
  DEFAULT_SSE_LIMITS,
  PlatformModule,
  createHttpApp,
  createPrismaClient,
  listen,
  type PrismaClient,
  type RouteEntry,
} from '@shoal/platform';
import {
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
import { EngineModule } from '@shoal/workflow-engine-feature';
import { ModelPoolModule } from '@shoal/model-pool-feature';
import { BillingModule } from '@shoal/billing-feature';

export interface InProcessServices {
  url: string;
  databaseUrl: string;
  apiKey: string;
  internalToken: string;
  app: NestFastifyApplication;
  /** every route the app registered, from its router */
  routes: RouteEntry[];
  prisma: PrismaClient;
  mock: MockProvider;
  close(): Promise<void>;
}

export async function startInProcessServices(label: string): Promise<InProcessServices> {
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
  const modules: DynamicModule[] = [
    PlatformModule.forRoot({ database: { url: db.url, maxConnections: 5 }, redis: { url: testRedisUrl(), prefix }, internalToken }),
    GatewayModule.register({
      modelPool: 'in-process',
      billing: internal,
      bootstrapKey: apiKey,
      blockingTimeoutMs: 30_000,
      sse: DEFAULT_SSE_LIMITS,
      streams: DEFAULT_STREAM_LIMITS,
    }),
    EngineModule.register({ billingUrl: url, internalToken, concurrency: 2, costWaitMs: 5_000 }),
    ModelPoolModule.register({ deployments, maxAttempts: 2, sse: DEFAULT_SSE_LIMITS, publicApi: false }),
    BillingModule.register({ usageConcurrency: 2 }),
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
    apiKey,
    internalToken,
    app,
    routes,
    prisma,
    mock,
    close: async () => {
      await app.close();
      await prisma.$disconnect();
      await mock.close();
      await db.drop();
      const redis = new Redis(testRedisUrl());
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}
