// Standalone mode: the whole platform in one process, nothing to install. Embedded Postgres
// (PGlite, kept under SHOAL_DATA_DIR), in-process stand-ins for the Redis-backed queue and events,
// and the mock provider serving `mock-chat`. The four services' modules are the same code that runs
// distributed; they call each other over HTTP on this process's own port.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadDeploymentConfig } from '@shoal/model-routing';
import { configureRootLogger, createHttpApp, exitOnBootFailure, generateApiKey, httpServerOptions, listen } from '@shoal/platform';
import { startMockProvider } from '@shoal/testing';
import { StandaloneModule } from './standalone.module';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the same file format and errors as model-pool's
import { readDeploymentFile } from '../../model-pool/src/model-pool.config';
import { loadStandaloneConfig } from './standalone.config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { EXAMPLE_WORKFLOW } from './example-workflow';

async function main(): Promise<void> {
  const t0 = Date.now();
  const config = loadStandaloneConfig(process.env);
  configureRootLogger({ service: 'shoal-standalone', level: config.LOG_LEVEL });
  mkdirSync(config.SHOAL_DATA_DIR, { recursive: true });

  const adminKey = config.SHOAL_BOOTSTRAP_KEY ?? localAdminKey(config.SHOAL_DATA_DIR);
  const pg = await startEmbeddedPostgres(config.SHOAL_DATA_DIR);
  const mock = config.SHOAL_MOCK_PROVIDER_URL ? undefined : await startMockProvider({ port: 0 });
  const mockUrl = config.SHOAL_MOCK_PROVIDER_URL ?? mock!.url;
  const deployments = loadDeploymentConfig({
    file: {
      deployments: [
        ...fileDeployments(config.MODEL_POOL_CONFIG),
        { id: 'dep_mock_chat', model: 'mock-chat', provider: 'openai-compatible', baseUrl: mockUrl, apiKey: 'mock', upstreamModel: 'mock-chat', weight: 1 },
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
      databaseConnections: 1,
      selfUrl: self,
      internalToken,
      bootstrapKey: adminKey,
      deployments,
      engineConcurrency: config.ENGINE_CONCURRENCY,
      limits: {
        sse: { maxBufferedBytes: config.SSE_MAX_BUFFER_BYTES, stallTimeoutMs: config.SSE_STALL_TIMEOUT_MS },
        streams: { maxPerKey: config.SSE_MAX_STREAMS_PER_KEY, maxPerRun: config.SSE_MAX_STREAMS_PER_RUN },
        auth: { failuresPerIp: config.AUTH_FAILURES_PER_IP, windowMs: config.AUTH_FAILURE_WINDOW_MS },
        runEvents: {
          maxBytesPerRun: config.RUN_EVENTS_MAX_BYTES_PER_RUN,
          fieldMaxBytes: config.RUN_EVENT_FIELD_MAX_BYTES,
          finishedTtlSeconds: config.RUN_EVENTS_FINISHED_TTL_SECONDS,
          maxFinishedBytes: config.RUN_EVENTS_MEMORY_MAX_BYTES,
        },
      },
    }),
    { shutdownHooks: false, http: httpServerOptions(config) },
  );
  const url = await listen(app, { port: config.PORT, host: config.HOST });
  // in-flight requests and runs finish, then the mock provider and embedded Postgres close cleanly
  const stop = async (signal: string) => {
    process.stderr.write(`\n${signal}: stopping Shoal...\n`);
    await app.close();
    await mock?.close();
    await pg.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  const workflowId = await ensureExampleWorkflow(url, adminKey, config.SHOAL_DATA_DIR);
  const models = deployments.models.map((m) => m.name).join(', ');
  process.stdout.write(
    [
      '',
      `Shoal is running (standalone) at ${url}   ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      `  data:     ${config.SHOAL_DATA_DIR}`,
      `  models:   ${models}   (mock-chat is the built-in mock provider, for trying Shoal out)`,
      `  API key:  ${adminKey}`,
      '',
      'Run the example workflow:',
      '',
      `  curl -s ${url}/v1/workflows/${workflowId}/runs \\`,
      `    -H 'Authorization: Bearer ${adminKey}' -H 'Content-Type: application/json' \\`,
      `    -d '{"inputs": {"question": "What is Shoal?"}, "response_mode": "blocking"}'`,
      '',
      'Or chat with the OpenAI-compatible API:',
      '',
      `  curl -s ${url}/v1/chat/completions -H 'Authorization: Bearer ${adminKey}' -H 'Content-Type: application/json' \\`,
      `    -d '{"model": "mock-chat", "messages": [{"role": "user", "content": "Hello"}]}'`,
      '',
    ].join('\n') + '\n',
  );
}

/**
 * Standalone mode keeps its admin key in the data directory (mode 0600) so that it can be shown
 * at every start: this is a single-user local mode. Distributed deployments store only the hash.
 */
function localAdminKey(dataDir: string): string {
  const file = path.join(dataDir, 'admin-api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = generateApiKey();
  writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
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
