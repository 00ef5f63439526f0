// Standalone mode (`npm start`): one process, embedded Postgres, in-process queue and events, the
// mock provider for mock-chat. The same flow as distributed, then a restart that keeps the data.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMockProvider, startService, type MockProvider, type ServiceProcess } from '@shoal/testing';
import { api, shoalFlow } from '../support/shoal-flow';

let shoal: ServiceProcess;
let dataDir: string;
let apiKey = '';
let mock: MockProvider;
const env = () => ({ SHOAL_DATA_DIR: dataDir, LOG_LEVEL: 'warn', SHOAL_MOCK_PROVIDER_URL: mock.url });

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'shoal-standalone-'));
  // an external mock, so the test can count provider calls (standalone otherwise starts its own)
  mock = await startMockProvider();
  shoal = await startService({ app: 'standalone', env: env(), timeoutMs: 60_000 });
  apiKey = readFileSync(path.join(dataDir, 'admin-api-key'), 'utf8').trim();
}, 90_000);

afterAll(async () => {
  await shoal?.stop();
  await mock?.close();
});

describe('standalone: the whole platform in one process', () => {
  it('prints the URL, the API key and a curl that runs the example workflow', async () => {
    // the banner is printed after the example workflow exists
    const deadline = Date.now() + 30_000;
    let log = '';
    while (Date.now() < deadline && !log.includes('Run the example workflow')) {
      log = readFileSync(shoal.logFile, 'utf8');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(log).toContain(`Shoal is running (standalone) at ${shoal.url}`);
    expect(log).toContain(`API key:  ${apiKey}`);
    const curl = /curl -s (\S+\/runs)/.exec(log);
    expect(curl).not.toBeNull();
    const res = await fetch(curl![1], { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ inputs: { question: 'What is Shoal?' }, response_mode: 'blocking' }) });
    const body = await res.json();
    expect(body).toMatchObject({ status: 'succeeded', outputs: { answer: 'Mock answer: What is Shoal?' } });
  });

  shoalFlow(() => ({
    baseUrl: shoal.url,
    apiKey,
    mockCalls: () => mock.calls(),
  }));

  it('keeps workflows, runs and the ledger across a restart', async () => {
    const a = () => api({ baseUrl: shoal.url, apiKey, mockCalls: () => 0 });
    const before = await a().get('/v1/usage/records?limit=1000');
    const runId = before.body.data.find((r: { run_id: string | null }) => r.run_id).run_id;
    await shoal.stop();
    shoal = await startService({ app: 'standalone', env: env(), port: shoal.port, timeoutMs: 60_000 });
    const run = await a().get(`/v1/runs/${runId}`);
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('succeeded');
    const after = await a().get('/v1/usage/records?limit=1000');
    expect(after.body.data.map((r: { call_id: string }) => r.call_id).sort()).toEqual(before.body.data.map((r: { call_id: string }) => r.call_id).sort());
  }, 90_000);
});
