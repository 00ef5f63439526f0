// Chaos: billing SIGKILLed with usage flowing and started again 5 s later (the ledger stays exact
// and no run is priced 0: runs are priced where their calls are made), and the gateway SIGKILLed
// with clients waiting on it (their connections break, which no server can prevent, but nobody
// hangs; the runs go on in the engines and finish; a gateway started again serves their results).
import { report, runsSince, sleep, until } from './support/load';
import { CHAOS_KEY, startChaosShoal, type ChaosShoal } from './support/chaos-shoal';
import { figuresOf, putInFlight, settle } from './support/scenario';

jest.setTimeout(300_000);
let s: ChaosShoal;

beforeAll(async () => {
  s = await startChaosShoal('services');
}, 300_000);
afterAll(async () => {
  await s?.close();
});

it('billing SIGKILL, back after 5 s: every provider call in the ledger once, every run priced', async () => {
  s.mock.setFaults({ latencyMs: 800, interChunkDelayMs: 40 });
  const f = await putInFlight(s, 'billing', 12, 6);
  await until(
    async () => (await runsSince(s, f.since)).filter((r) => r.status === 'running').length,
    (n) => n >= 8,
    60_000,
  );
  await sleep(1500);
  expect(await s.billing.stop('SIGKILL')).toBe('SIGKILL');
  await sleep(5000);
  await s.restart(s.billing);
  s.mock.setFaults(undefined);
  const out = await settle(s, f);
  report(figuresOf('billing SIGKILL', out));
  expect(out.results.filter((r) => r.outcome !== 'answered')).toEqual([]);
  expect(out.runs.map((r) => r.status)).toEqual(out.runs.map(() => 'succeeded'));
  expect(out.runs.filter((r) => r.total_price === null || Number(r.total_price) === 0)).toEqual([]);
  expect(out.ledger).toBe(out.providerCalls);
  expect(out.mismatched).toEqual([]);
});

it('gateway SIGKILL: clients see the break, nobody hangs, the runs finish and a new gateway serves them', async () => {
  s.mock.setFaults({ latencyMs: 1500, interChunkDelayMs: 40 });
  const f = await putInFlight(s, 'gateway', 10, 5);
  await until(
    async () => (await runsSince(s, f.since)).filter((r) => r.status === 'running').length,
    (n) => n >= 8,
    60_000,
  );
  expect(await s.gateway.stop('SIGKILL')).toBe('SIGKILL');
  const gateway = await s.restart(s.gateway);
  s.mock.setFaults(undefined);
  const out = await settle(s, f);
  report(figuresOf('gateway SIGKILL', out, { notes: `clients broken: ${out.results.filter((r) => r.outcome === 'broken').length}` }));
  expect(out.results.filter((r) => r.outcome === 'hung')).toEqual([]);
  expect(out.runs.map((r) => r.status)).toEqual(out.runs.map(() => 'succeeded'));
  for (const r of out.runs) {
    const res = await fetch(`${gateway.url}/v1/runs/${r.id}`, { headers: { authorization: `Bearer ${CHAOS_KEY}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('succeeded');
  }
  expect(out.ledger).toBe(out.providerCalls);
});
