// Chaos: Postgres stopped for 10 s, then for 40 s, with runs in flight (the suite's own cluster,
// `pg_ctl stop -m immediate`: its connections cut, new ones refused; started again with crash recovery). Requests that need it answer 503
// upstream_unavailable with Retry-After at once, readiness says postgres is failing, and the runs in
// flight wait the outage out and finish afterwards: none stranded, none failed, nothing unbilled.
import { report, runsSince, sleep, until } from './support/load';
import { startChaosShoal, type ChaosShoal } from './support/chaos-shoal';
import { describeProbes, probe, type Probe } from './support/probe';
import { figuresOf, putInFlight, settle } from './support/scenario';

jest.setTimeout(300_000);
let s: ChaosShoal;

beforeAll(async () => {
  s = await startChaosShoal('pg');
}, 300_000);
afterAll(async () => {
  await s?.close();
});

async function outage(seconds: number) {
  s.mock.setFaults({ latencyMs: 1500, interChunkDelayMs: 60 });
  const f = await putInFlight(s, `pg${seconds}`, 10, 5);
  await until(
    async () => (await runsSince(s, f.since)).filter((r) => r.status === 'running').length,
    (n) => n >= 8,
    60_000,
  );
  await s.postgres.stop();
  const downAt = Date.now();
  await sleep(500);
  const probes: Probe[] = [
    await probe(s, 'POST run', `/v1/workflows/${s.workflowId}/runs`, {
      method: 'POST',
      body: { inputs: { question: 'during the outage' }, response_mode: 'blocking' },
    }),
    await probe(s, 'GET workflows', '/v1/workflows'),
    await probe(s, 'readyz', '/readyz', { auth: false }),
  ];
  await sleep(Math.max(0, seconds * 1000 - (Date.now() - downAt)));
  await s.postgres.start();
  s.mock.setFaults(undefined);
  const out = await settle(s, f);
  return { out, probes };
}

function checkProbes(probes: Probe[]) {
  const [post, list, ready] = probes;
  for (const p of [post!, list!]) {
    expect(p.status).toBe(503);
    expect(p.retryAfter).toMatch(/^\d+$/);
    expect(p.contentType).toContain('application/problem+json');
    expect(p.body).toMatchObject({ status: 503, type: expect.stringContaining('upstream-unavailable') });
  }
  expect(ready!.status).toBe(503);
  expect(ready!.body).toMatchObject({ checks: { postgres: 'failing', redis: 'ok' } });
}

for (const seconds of [10, 40]) {
  it(`Postgres down ${seconds} s: requests answer 503 with Retry-After at once, runs in flight finish after it`, async () => {
    const { out, probes } = await outage(seconds);
    report(
      figuresOf(`Postgres down ${seconds} s`, out, {
        notes: describeProbes(probes),
      }),
    );
    checkProbes(probes);
    expect(out.results.filter((r) => r.outcome !== 'answered')).toEqual([]);
    expect(out.runs.map((r) => r.status)).toEqual(out.runs.map(() => 'succeeded'));
    for (const r of out.results.filter((x) => x.kind === 'streaming')) expect(r.text).toBe(r.answer);
    expect(out.ledger).toBe(out.providerCalls);
    expect(out.mismatched).toEqual([]);
  });
}
