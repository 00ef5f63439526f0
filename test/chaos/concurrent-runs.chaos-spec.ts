// Chaos baseline: many blocking runs at once (CHAOS_CONCURRENT_RUNS, 500 by default) against two
// engines, nothing broken: no 5xx, every run succeeds, every provider call is one ledger row. The
// load the fault scenarios are measured against.
import { blockingRun, ledgerRows, questions, report } from './support/load';
import { startChaosShoal, type ChaosShoal } from './support/chaos-shoal';
import { CLIENT_BOUND_MS, figuresOf, settle, type InFlight } from './support/scenario';

jest.setTimeout(600_000);
const RUNS = Number(process.env['CHAOS_CONCURRENT_RUNS'] ?? 500);
let s: ChaosShoal;

beforeAll(async () => {
  s = await startChaosShoal('concurrent');
}, 300_000);
afterAll(async () => {
  await s?.close();
});

it(`${RUNS} concurrent blocking runs: no 5xx, all succeed, the ledger exact`, async () => {
  const t0 = Date.now();
  const f: InFlight = {
    since: new Date(t0 - 1000),
    callsBefore: s.mock.calls(),
    ledgerBefore: await ledgerRows(s),
    clients: Promise.all(questions(RUNS, 'load').map((q) => blockingRun(s, q, CLIENT_BOUND_MS * 3))),
  };
  const out = await settle(s, f);
  const statuses = new Map<number | undefined, number>();
  for (const r of out.results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  report(figuresOf(`${RUNS} concurrent blocking runs`, out, { notes: `${Date.now() - t0} ms; statuses ${JSON.stringify([...statuses])}` }));
  expect(out.results.filter((r) => r.outcome !== 'answered' || r.status !== 200)).toEqual([]);
  expect(out.runs).toHaveLength(RUNS);
  expect(out.runs.filter((r) => r.status !== 'succeeded')).toEqual([]);
  expect(out.ledger).toBe(out.providerCalls);
  expect(out.mismatched).toEqual([]);
});
