// Standalone mode: the whole platform in one process, nothing to install. Embedded Postgres
// (PGlite, kept under SHOAL_DATA_DIR), in-process stand-ins for the Redis-backed queue and events,
// and the mock provider serving `mock-chat`. The four services' modules are the same code that runs
// distributed; they call each other over HTTP on this process's own port.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Module } from '@nestjs/common';
import { loadDeploymentConfig } from '@shoal/model-routing';
import { PlatformModule, configureRootLogger, createHttpApp, exitOnBootFailure, generateApiKey, listen } from '@shoal/platform';
import { startMockProvider } from '@shoal/testing';
/* eslint-disable @nx/enforce-module-boundaries -- standalone composes the four services' modules in one process; nothing else imports an app */
import { GatewayModule } from '../../gateway/src/gateway.module';
import { EngineModule } from '../../workflow-engine/src/engine.module';
import { ModelPoolModule } from '../../model-pool/src/model-pool.module';
import { BillingModule } from '../../billing/src/billing.module';
/* eslint-enable @nx/enforce-module-boundaries */
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
    env: { DEEPSEEK_API_KEY: config.DEEPSEEK_API_KEY, DEEPSEEK_BASE_URL: config.DEEPSEEK_BASE_URL, OPENAI_API_KEY: config.OPENAI_API_KEY, OPENAI_BASE_URL: config.OPENAI_BASE_URL },
  });
  const self = `http://127.0.0.1:${config.PORT}`;
  const internalToken = randomBytes(24).toString('base64url');

  @Module({
    imports: [
      // PGlite is one Postgres session: one connection, so transactions never interleave
      PlatformModule.forRoot({ database: { url: pg.url, maxConnections: 1 }, redis: 'memory', internalToken }),
      GatewayModule.register({ modelPool: { baseUrl: self, internalToken }, billing: { baseUrl: self, internalToken }, bootstrapKey: adminKey, blockingTimeoutMs: 300_000 }),
      EngineModule.register({ modelPoolUrl: self, billingUrl: self, internalToken, concurrency: config.ENGINE_CONCURRENCY, costWaitMs: 10_000 }),
      ModelPoolModule.register({ deployments, maxAttempts: 3 }),
      BillingModule.register({ usageConcurrency: 4 }),
    ],
  })
  class StandaloneModule {}

  const app = await createHttpApp(StandaloneModule);
  app.enableShutdownHooks();
  const url = await listen(app, { port: config.PORT, host: config.HOST });
  const stop = async () => {
    await mock?.close();
    await pg.stop();
  };
  process.once('beforeExit', () => void stop());

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
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { deployments?: unknown[] };
  return parsed.deployments ?? [];
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
