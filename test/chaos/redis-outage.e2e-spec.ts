// Chaos: Redis stopped for 10 s with runs in flight (the suite's own redis-server, SIGTERMed and
// started again on the same port with its append-only file). Requests that need Redis (starting a run:
// its queue; a chat completion: its usage intent) answer 503 with Retry-After within about a second
// instead of waiting for Redis; requests that need only Postgres keep working; readiness says redis
// is failing; workers reconnect by themselves and the runs in flight finish, billed exactly once.
import { report, runsSince, sleep, until } from './support/load';
import { startChaosShoal, type ChaosShoal } from './support/chaos-shoal';
import { describeProbes, probe, type Probe } from './support/probe';
import { figuresOf, putInFlight, settle } from './support/scenario';

jest.setTimeout(300_000);
let s: ChaosShoal;

beforeAll(async () => {
  s = await startChaosShoal('redis');
}, 300_000);
afterAll(async () => {
  await s?.close();
});

it('Redis down 10 s: what needs it answers 503 fast, what does not keeps working, runs in flight finish after it', async () => {
  s.mock.setFaults({ latencyMs: 1500, interChunkDelayMs: 60 });
  const f = await putInFlight(s, 'redis', 10, 5);
  await until(
    async () => (await runsSince(s, f.since)).filter((r) => r.status === 'running').length,
    (n) => n >= 8,
    60_000,
  );
  await s.redisServer.stop();
  const downAt = Date.now();
  await sleep(1000);
  const probes: Probe[] = [
    await probe(s, 'POST run', `/v1/workflows/${s.workflowId}/runs`, {
      method: 'POST',
      body: { inputs: { question: 'during the redis outage' }, response_mode: 'blocking' },
    }),
    await probe(s, 'chat completion', '/v1/chat/completions', {
      method: 'POST',
      body: { model: 'mock-chat', messages: [{ role: 'user', content: 'during the redis outage' }] },
    }),
    await probe(s, 'GET workflows', '/v1/workflows'),
    await probe(s, 'readyz', '/readyz', { auth: false }),
  ];
  await sleep(Math.max(0, 10_000 - (Date.now() - downAt)));
  await s.redisServer.start();
  s.mock.setFaults(undefined);
  const out = await settle(s, f);
  report(figuresOf('Redis down 10 s', out, { notes: describeProbes(probes) }));
  for (const r of out.results.filter((x) => x.outcome === 'hung' && x.kind === 'streaming').slice(0, 2)) {
    const events = await s.redis.xrange(`${s.prefix}run:${r.runId}:events`, '-', '+');
    process.stdout.write(
      `[chaos] hung ${r.runId} saw up to ${r.lastSeq}; stored: ${events.map(([id, f]) => `${id}:${JSON.parse(f[1]!).event}`).join(' ')}\n`,
    );
  }

  const [post, chat, list, ready] = probes;
  expect(post).toMatchObject({ status: 503, contentType: expect.stringContaining('application/problem+json') });
  // OpenAI's error shape (the gateway relays model-pool's refusal: no intent, no call)
  expect(chat).toMatchObject({ status: 503, body: { error: { type: 'api_error', code: expect.any(String) } } });
  for (const p of [post!, chat!]) {
    expect(p.retryAfter).toMatch(/^\d+$/);
    // fails fast: well inside one Redis reconnect-and-retry cycle of the clients' bound, not after the outage
    expect(p.ms).toBeLessThan(5000);
  }
  expect(list!.status).toBe(200);
  expect(ready).toMatchObject({ status: 503, body: { checks: { redis: 'failing', postgres: 'ok' } } });

  expect(out.results.filter((r) => r.outcome !== 'answered')).toEqual([]);
  expect(out.runs.filter((r) => r.status !== 'succeeded' && r.status !== 'failed')).toEqual([]);
  // the run refused during the outage was never queued: it failed there and then, saying so
  expect(out.runs.filter((r) => r.status === 'failed')).toHaveLength(1);
  for (const r of out.results.filter((x) => x.kind === 'streaming')) expect(r.text).toBe(r.answer);
  expect(out.ledger).toBe(out.providerCalls);
  expect(out.mismatched).toEqual([]);
});
