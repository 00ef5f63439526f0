// Standalone mode: the whole platform in one process, nothing to install. Embedded Postgres
// (PGlite, kept under SHOAL_DATA_DIR, on a Unix socket there), in-process stand-ins for the
// Redis-backed queue, run events kept in Postgres, and the mock provider serving `mock-chat` in
// process. The four services' modules are the same code that runs distributed; chat calls reach
// model-pool in process, billing is called over HTTP on this process's own port, the only port it
// opens.
// first: what is loaded after it is compiled from the compile cache
import './compile-cache';
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadDeploymentConfig } from '@shoal/model-routing';
import { mcpFileLimitsOf, mcpLimitsOf, outboundHttpSettingsOf } from '@shoal/outbound-http';
import {
  configureRootLogger,
  createHttpApp,
  exitOnBootFailure,
  httpServerOptions,
  listen,
  SecretBox,
  sseLimitsOf,
  workflowLimitsOf,
  codeSettingsOf,
  documentSettingsOf,
  graphqlOptionsOf,
  rateLimitDefaultsOf,
  fileStoreSettingsOf,
  directSql,
  Prisma,
  PrismaClient,
} from '@shoal/platform';
import { createInProcessMockProvider } from '@shoal/mock-provider';
import { fileLimitsOf } from '@shoal/gateway-feature';
import { StandaloneModule } from './standalone.module';
import { readDeploymentFile } from '@shoal/model-pool-feature';
import { loadStandaloneConfig } from './standalone.config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { cacheDirOf } from './local/cache-dir';
import { PeriodicVacuum, VACUUM_AFTER_BATCHES, VACUUM_EVERY_MS, vacuumEachTable } from './periodic-vacuum';
import { EXAMPLE_WORKFLOW } from './example-workflow';
import { adminKey } from './local/admin-key';
import { secretsKey } from './local/secrets-key';
import { banner } from './local/banner';
import { ensurePrivateDir } from './local/data-dir';

const MOCK_DEPLOYMENT_ID = 'dep_mock_chat';

async function main(): Promise<void> {
  const t0 = Date.now();
  const config = loadStandaloneConfig(process.env);
  configureRootLogger({ service: 'shoal-standalone', level: config.LOG_LEVEL });
  ensurePrivateDir(config.SHOAL_DATA_DIR);

  const admin = adminKey(config.SHOAL_DATA_DIR, config.SHOAL_BOOTSTRAP_KEY);
  const pg = await startEmbeddedPostgres(config.SHOAL_DATA_DIR, cacheDirOf(config.SHOAL_CACHE_DIR, process.env));
  // the built-in mock is called in process, without a socket; SHOAL_MOCK_PROVIDER_URL points mock-chat elsewhere
  const mock = config.SHOAL_MOCK_PROVIDER_URL ? undefined : createInProcessMockProvider();
  const mockUrl = config.SHOAL_MOCK_PROVIDER_URL ?? mock?.url ?? '';
  const deployments = loadDeploymentConfig({
    file: {
      deployments: [
        ...fileDeployments(config.MODEL_POOL_CONFIG),
        {
          id: MOCK_DEPLOYMENT_ID,
          model: 'mock-chat',
          provider: 'openai-compatible',
          baseUrl: mockUrl,
          apiKey: 'mock',
          upstreamModel: 'mock-chat',
          weight: 1,
        },
      ],
    },
    // the whole environment: provider shortcuts, and deployments that name the variable holding their key
    env: process.env,
  });
  const self = `http://127.0.0.1:${config.PORT}`;
  const internalToken = randomBytes(24).toString('base64url');

  const app = await createHttpApp(
    StandaloneModule.register({
      databaseUrl: pg.url,
      databaseStream: () => pg.connect(),
      usageJournal: path.join(config.SHOAL_DATA_DIR, 'usage.journal'),
      databaseConnections: 1,
      selfUrl: self,
      internalToken,
      bootstrapKey: admin.key,
      deployments,
      providerFetch: mock ? new Map([[MOCK_DEPLOYMENT_ID, mock.fetch]]) : undefined,
      engineConcurrency: config.ENGINE_CONCURRENCY,
      healthPolicy: { failureThreshold: config.MODEL_POOL_BREAKER_THRESHOLD, transientCooldownMs: config.MODEL_POOL_BREAKER_OPEN_MS },
      secrets: new SecretBox(secretsKey(config.SHOAL_DATA_DIR)),
      outboundHttp: outboundHttpSettingsOf(config),
      mcp: { limits: mcpLimitsOf(config), files: mcpFileLimitsOf(config) },
      fileStore: fileStoreSettingsOf(config, { defaultDir: path.join(config.SHOAL_DATA_DIR, 'files') }),
      limits: {
        sse: sseLimitsOf(config),
        streams: { maxPerKey: config.SSE_MAX_STREAMS_PER_KEY, maxPerRun: config.SSE_MAX_STREAMS_PER_RUN },
        auth: { failuresPerIp: config.AUTH_FAILURES_PER_IP, windowMs: config.AUTH_FAILURE_WINDOW_MS },
        rateLimits: rateLimitDefaultsOf(config),
        runEvents: {
          maxBytesPerRun: config.RUN_EVENTS_MAX_BYTES_PER_RUN,
          fieldMaxBytes: config.RUN_EVENT_FIELD_MAX_BYTES,
          finishedTtlSeconds: config.RUN_EVENTS_FINISHED_TTL_SECONDS,
          maxFinishedBytes: config.RUN_EVENTS_MEMORY_MAX_BYTES,
        },
        workflow: workflowLimitsOf(config),
        graphql: graphqlOptionsOf(config),
        files: fileLimitsOf(config),
        code: codeSettingsOf(config),
        documents: documentSettingsOf(config),
      },
    }),
    { shutdownHooks: false, http: httpServerOptions(config) },
  );
  const url = await listen(app, { port: config.PORT, host: config.HOST });
  // PGlite runs no autovacuum: Shoal vacuums its embedded database itself (periodic-vacuum.ts)
  const prisma = app.get(PrismaClient, { strict: false });
  const sql = directSql(prisma);
  const vacuum = new PeriodicVacuum(() => vacuumEachTable((text) => sql.query(Prisma.raw(text))), VACUUM_EVERY_MS, {
    served: () => pg.served(),
    after: VACUUM_AFTER_BATCHES,
  });
  vacuum.start();
  // in-flight requests and runs finish, then embedded Postgres closes cleanly
  const stop = async (signal: string) => {
    process.stderr.write(`\n${signal}: stopping Shoal...\n`);
    await vacuum.stop();
    await app.close();
    await pg.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  const workflowId = await ensureExampleWorkflow(url, admin.key, config.SHOAL_DATA_DIR);
  process.stdout.write(
    banner({
      url,
      readySeconds: (Date.now() - t0) / 1000,
      dataDir: config.SHOAL_DATA_DIR,
      models: deployments.models.map((m) => m.name),
      admin,
      workflowId,
    }),
  );
}

function fileDeployments(file: string | undefined): unknown[] {
  if (!file) return [];
  return (readDeploymentFile(file) as { deployments?: unknown[] }).deployments ?? [];
}

async function ensureExampleWorkflow(url: string, key: string, dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'example-workflow-id');
  if (existsSync(file)) {
    const id = readFileSync(file, 'utf8').trim();
    const res = await fetch(`${url}/v1/workflows/${id}`, { headers: { authorization: `Bearer ${key}` } });
    if (res.ok) return id;
  }
  const res = await fetch(`${url}/v1/workflows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(EXAMPLE_WORKFLOW),
  });
  if (!res.ok) throw new Error(`could not create the example workflow: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  writeFileSync(file, id + '\n');
  return id;
}

main().catch(exitOnBootFailure('shoal'));
