// Chaos: standalone (`npm start`'s process: PGlite, in-process queue and events) SIGKILLed with a
// run in flight, then started again on the same data directory: the run that was running finishes
// (queued again at start, resumed from its checkpoints: its finished node is not asked again), and
// what was stored before the kill is all there. The mock is external only so calls can be counted
// and made slow enough for the kill to land mid-run.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMockProvider, startService, type MockProvider, type ServiceProcess } from '@shoal/testing';
import { TWO_LLM_WORKFLOW } from './support/chaos-shoal';
import { report, until } from './support/load';

jest.setTimeout(600_000);
// a first start creates the PGlite database: slow on a loaded machine (a guard, not a speed claim)
const START_GUARD_MS = 180_000;
let dataDir: string;
let mock: MockProvider;
let shoal: ServiceProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'shoal-chaos-standalone-'));
  mock = await startMockProvider();
});
afterAll(async () => {
  await shoal?.stop();
  await mock?.close();
});

it('standalone SIGKILL mid-run, started again: the run finishes, nothing stored is lost', async () => {
  const env = { SHOAL_DATA_DIR: dataDir, LOG_LEVEL: 'warn', SHOAL_MOCK_PROVIDER_URL: mock.url };
  shoal = await startService({ app: 'standalone', env, timeoutMs: START_GUARD_MS });
  const key = readFileSync(path.join(dataDir, 'admin-api-key'), 'utf8').trim();
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${shoal!.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const wf = await call('POST', '/v1/workflows', TWO_LLM_WORKFLOW);
  expect(wf.status).toBe(201);
  const done = await call('POST', `/v1/workflows/${wf.body['id']}/runs`, {
    inputs: { question: 'before the kill' },
    response_mode: 'blocking',
  });
  expect(done.body['status']).toBe('succeeded');

  mock.setFaults({ latencyMs: 3000 });
  // a blocking client in flight: the kill breaks its connection (it is not what this checks)
  const inFlight = call('POST', `/v1/workflows/${wf.body['id']}/runs`, {
    inputs: { question: 'across the kill' },
    response_mode: 'blocking',
  }).catch(() => undefined);
  const runs = await until(
    () => call('GET', `/v1/runs?workflow_id=${wf.body['id']}`),
    (r) => ((r.body['data'] as Array<{ status: string }>) ?? []).some((x) => x.status === 'running'),
    30_000,
  );
  const running = (runs.body['data'] as Array<{ id: string; status: string }>).find((x) => x.status === 'running')!;
  // the first LLM node has finished, the second is with the provider
  const atKill = await until(
    () => call('GET', `/v1/runs/${running.id}`),
    (r) =>
      ((r.body['node_executions'] as Array<{ node_id: string; status: string }>) ?? []).some(
        (n) => n.node_id === 'ask' && n.status === 'succeeded',
      ),
    60_000,
  );
  const ask = (atKill.body['node_executions'] as Array<{ id: string; node_id: string; status: string }>).find((n) => n.node_id === 'ask')!;
  expect(await shoal.stop('SIGKILL')).toBe('SIGKILL');
  await inFlight;
  mock.setFaults(undefined);
  const callsAtKill = mock.calls();

  const restartedAt = Date.now();
  shoal = await startService({ app: 'standalone', env, timeoutMs: START_GUARD_MS });
  const after = await until(
    () => call('GET', `/v1/runs/${running.id}`),
    (r) => r.body['status'] !== 'running' && r.body['status'] !== 'queued',
    120_000,
  );
  expect(after.body).toMatchObject({ status: 'succeeded', outputs: { answer: 'Mock answer: Mock answer: across the kill' } });
  // the finished node is the very same execution; only the interrupted one asked the provider again
  const nodes = after.body['node_executions'] as Array<{ id: string; node_id: string }>;
  expect(nodes.find((n) => n.node_id === 'ask')!.id).toBe(ask.id);
  expect(mock.calls() - callsAtKill).toBe(1);
  // what was stored before the kill is intact
  expect((await call('GET', `/v1/runs/${done.body['id']}`)).body).toMatchObject({ status: 'succeeded' });
  expect((await call('GET', `/v1/workflows/${wf.body['id']}`)).status).toBe(200);
  // the ledger: standalone's usage log is journalled in its data directory, so the call the kill cut
  // is billed too, as an estimate (its intent was open: the reaper closes it after the restart)
  const runCalls = 3; // ask, the refine the kill cut, the refine after the restart
  const ledger = await until(
    () => call('GET', `/v1/usage/records?run_id=${running.id}`),
    (r) => ((r.body['data'] as unknown[]) ?? []).length >= runCalls,
    60_000,
  );
  const rows = ledger.body['data'] as Array<{ estimated: boolean }>;
  const billed = rows.length;
  expect(billed).toBe(runCalls);
  expect(rows.filter((r) => r.estimated)).toHaveLength(1);
  report({
    scenario: 'standalone SIGKILL and restart',
    runs: 1,
    succeeded: 1,
    failed: 0,
    providerCalls: runCalls,
    wastedCalls: 1,
    usageLost: runCalls - billed,
    hung: 0,
    notes: `run finished ${Date.now() - restartedAt} ms after the restart began`,
  });
});
