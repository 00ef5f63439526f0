// Standalone mode (`npm start`): one process, embedded Postgres, in-process queue and events, the
// mock provider for mock-chat. The same flow as distributed, then a restart that keeps the data,
// including the runs' events, and opens no port but its HTTP port.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMockProvider, startService, type MockProvider, type ServiceProcess } from '@shoal/testing';
import { listeningTcpPorts } from '../support/listening-ports';
import { api, QA_WORKFLOW, readSse, shoalFlow } from '../support/shoal-flow';
import { difyCompatSuite } from '../support/dify-compat-suite';
import { mcpRoundTrip } from '../support/mcp-round-trip';

let shoal: ServiceProcess;
let dataDir: string;
// a cache of its own: the first start makes the database template, as on a machine that never ran Shoal
let cacheDir: string;
let apiKey = '';
let mock: MockProvider;
// guards, not speed claims: a first start creates the PGlite database, which took 50-70 s on a
// shared 2-core machine under load (bench, not tests, says how fast Shoal starts)
const START_GUARD_MS = 180_000;
// SHOAL_HTTP_ALLOW: the http-request compat fixtures call the mock provider on 127.0.0.1
// the compatibility cases inject 500s into the one mock deployment: no breaker may turn the next case away
const env = () => ({
  SHOAL_DATA_DIR: dataDir,
  SHOAL_CACHE_DIR: cacheDir,
  LOG_LEVEL: 'warn',
  SHOAL_MOCK_PROVIDER_URL: mock.url,
  SHOAL_HTTP_ALLOW: '127.0.0.1',
  MODEL_POOL_BREAKER_THRESHOLD: '1000000',
});

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'shoal-standalone-'));
  cacheDir = mkdtempSync(path.join(tmpdir(), 'shoal-standalone-cache-'));
  // an external mock, so the test can count provider calls (standalone otherwise starts its own)
  mock = await startMockProvider();
  shoal = await startService({ app: 'standalone', env: env(), timeoutMs: START_GUARD_MS });
  apiKey = readFileSync(path.join(dataDir, 'admin-api-key'), 'utf8').trim();
}, START_GUARD_MS + 30_000);

afterAll(async () => {
  await shoal?.stop();
  await mock?.close();
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
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
    const res = await fetch(curl![1], {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { question: 'What is Shoal?' }, response_mode: 'blocking' }),
    });
    const body = await res.json();
    expect(body).toMatchObject({ status: 'succeeded', outputs: { answer: 'Mock answer: What is Shoal?' } });
  });

  shoalFlow(() => ({
    baseUrl: shoal.url,
    apiKey,
    mockCalls: () => mock.calls(),
  }));

  describe('the Dify compatibility fixtures', () => difyCompatSuite(() => ({ url: shoal.url, apiKey, mock })));

  describe('MCP tools', () => mcpRoundTrip(() => ({ url: shoal.url, apiKey })));

  it(
    'keeps workflows, runs, their events and the ledger across a restart; later starts open only the HTTP port and show only the key prefix',
    async () => {
      const a = () => api({ baseUrl: shoal.url, apiKey, mockCalls: () => 0 });
      const events = async (runId: string, lastEventId?: string) =>
        readSse(
          await fetch(`${shoal.url}/v1/runs/${runId}/events`, {
            headers: { authorization: `Bearer ${apiKey}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
          }),
        ).then((all) => all.filter((e) => e.data.event !== 'ping'));
      // billing takes the last calls into the ledger within its linger after a short batch
      // (lingerMs): compare against the ledger once it has stopped moving
      const callIds = (res: { body: { data: Array<{ call_id: string }> } }) => res.body.data.map((r) => r.call_id).sort();
      let before = await a().get('/v1/usage/records?limit=1000');
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 300));
        const again = await a().get('/v1/usage/records?limit=1000');
        if (JSON.stringify(callIds(again)) === JSON.stringify(callIds(before))) break;
        before = again;
      }
      const runId = before.body.data.find((r: { run_id: string | null }) => r.run_id).run_id;
      const eventsBefore = await events(runId);
      expect(eventsBefore.at(-1)?.data.event).toBe('workflow_finished');
      // a secret environment variable sealed with the key standalone keeps in its data dir
      const graph = structuredClone(QA_WORKFLOW.graph) as typeof QA_WORKFLOW.graph & { environment_variables: unknown[] };
      graph.environment_variables = [{ name: 'token', value_type: 'secret', value: 'standalone-secret-93af' }];
      graph.nodes[1].data.prompt_template![1].text = '{{#env.token#}} {{#start.question#}}';
      const secretWf = await a().post('/v1/workflows', { name: 'secret', graph });
      expect(secretWf.status).toBe(201);
      // an uploaded file: its bytes are rows in the embedded Postgres (two 1 MiB chunks here)
      const fileText = 'standalone keeps uploads\n'.repeat(60_000);
      const form = new FormData();
      form.append('file', new Blob([fileText], { type: 'text/plain' }), 'kept.txt');
      const uploaded = (await (
        await fetch(`${shoal.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: form })
      ).json()) as { id: string; size: number };
      expect(uploaded.size).toBe(fileText.length);

      await shoal.stop();
      // what it keeps in its cache for the next start: the empty database new data directories are
      // copied from, and V8's compiled code, written at exit
      expect(readdirSync(cacheDir)).toEqual(expect.arrayContaining(['compile-cache', expect.stringMatching(/^pgdata-pglite-\d/)]));
      expect(statSync(path.join(cacheDir, 'compile-cache')).mode & 0o777).toBe(0o700);
      expect(readdirSync(path.join(cacheDir, 'compile-cache')).length).toBeGreaterThan(0);
      // this time without SHOAL_MOCK_PROVIDER_URL: mock-chat is the built-in mock, served in process
      shoal = await startService({
        app: 'standalone',
        env: { SHOAL_DATA_DIR: dataDir, SHOAL_CACHE_DIR: cacheDir, LOG_LEVEL: 'warn' },
        port: shoal.port,
        timeoutMs: START_GUARD_MS,
      });

      const run = await a().get(`/v1/runs/${runId}`);
      expect(run.status).toBe(200);
      expect(run.body.status).toBe('succeeded');
      const after = await a().get('/v1/usage/records?limit=1000');
      expect(callIds(after)).toEqual(callIds(before));

      // the run's events replay from before the restart, and from any Last-Event-ID
      const replay = await events(runId);
      expect(replay.map((e) => [e.id, e.data.event])).toEqual(eventsBefore.map((e) => [e.id, e.data.event]));
      expect(replay.at(-1)?.data).toEqual(eventsBefore.at(-1)?.data);
      expect((await events(runId, '2')).map((e) => Number(e.id))).toEqual(eventsBefore.slice(2).map((e) => Number(e.id)));

      // a new run is answered by the in-process mock
      const wf = readFileSync(path.join(dataDir, 'example-workflow-id'), 'utf8').trim();
      const fresh = await a().post(`/v1/workflows/${wf}/runs`, { inputs: { question: 'after the restart?' }, response_mode: 'blocking' });
      expect(fresh.body).toMatchObject({ status: 'succeeded', outputs: { answer: 'Mock answer: after the restart?' } });

      // the upload survived the restart, byte for byte
      const kept = await fetch(`${shoal.url}/v1/files/${uploaded.id}/content`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(await kept.text()).toBe(fileText);
      // ... kept as a file of the data directory (the standalone default store), readable by this user only
      const stored = readdirSync(path.join(dataDir, 'files'), { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith(uploaded.id));
      expect(stored).toHaveLength(1);
      expect(readFileSync(path.join(dataDir, 'files', stored[0]), 'utf8')).toBe(fileText);
      expect(statSync(path.join(dataDir, 'files', stored[0])).mode & 0o777).toBe(0o600);

      // the secret opens after the restart (the key was kept), and is masked in what the run reports
      const secretRun = await a().post(`/v1/workflows/${secretWf.body.id}/runs`, { inputs: { question: 'q' }, response_mode: 'blocking' });
      expect(secretRun.body).toMatchObject({ status: 'succeeded', outputs: { answer: 'Mock answer: ****** q' } });
      expect(statSync(path.join(dataDir, 'secrets-key')).mode & 0o777).toBe(0o600);

      // no database port, no mock provider port: only the HTTP port
      expect(listeningTcpPorts(shoal.child.pid!)).toEqual([shoal.port]);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(dataDir, 'admin-api-key')).mode & 0o777).toBe(0o600);

      // the key was shown in full when it was created; this start shows its prefix and where it is kept
      let log = '';
      for (let i = 0; i < 300 && !log.includes('Run the example workflow'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        log = readFileSync(shoal.logFile, 'utf8');
      }
      expect(log).not.toContain(apiKey);
      expect(log).toContain(
        `API key:  ${apiKey.slice(0, 'sk-shoal-'.length + 4)}…   (kept in ${path.join(dataDir, 'admin-api-key')}, mode 0600)`,
      );
    },
    START_GUARD_MS + 60_000,
  );
});
