// Chaos: model-pool SIGKILLed with run calls and streamed chat completions in flight, back 3 s
// later on the same port. Every provider call is in the ledger (the calls the dead process had
// open are closed by billing's reaper as estimates); a streamed chat completion cut by the death
// ends with an explicit error event in OpenAI's stream format, not a reset; LLM calls a run makes
// while model-pool is down wait for it (bounded, ENGINE_LLM_OUTAGE_RETRY_MS) and succeed; a run
// whose call the kill broke off is resumed, that node as its next attempt (its own call id).
import { blockingRun, chatStream, questions, report, runsSince, sleep, until, type ClientResult } from './support/load';
import { startChaosShoal, type ChaosShoal } from './support/chaos-shoal';
import { CLIENT_BOUND_MS, figuresOf, putInFlight, settle } from './support/scenario';

jest.setTimeout(300_000);
let s: ChaosShoal;

beforeAll(async () => {
  s = await startChaosShoal('pool');
}, 300_000);
afterAll(async () => {
  await s?.close();
});

it('model-pool SIGKILL: nothing unbilled, chat streams end with an error event, runs started meanwhile wait for it', async () => {
  s.mock.setFaults({ latencyMs: 1000, interChunkDelayMs: 150 });
  const f = await putInFlight(s, 'pool', 8, 4);
  const chats = Promise.all(questions(5, 'chat').map((q) => chatStream(s, q, CLIENT_BOUND_MS)));
  await until(
    async () => (await runsSince(s, f.since)).filter((r) => r.status === 'running').length,
    (n) => n >= 8,
    60_000,
  );
  // calls are open at the provider (the chats stream for a few seconds)
  await until(
    async () => s.mock.calls() - f.callsBefore,
    (n) => n >= 10,
    30_000,
  );
  await sleep(1500);
  expect(await s.pool.stop('SIGKILL')).toBe('SIGKILL');
  const killedAt = Date.now();
  // runs started while model-pool is down: their LLM calls wait for it
  const during: Promise<ClientResult[]> = Promise.all(questions(4, 'during').map((q) => blockingRun(s, q, CLIENT_BOUND_MS)));
  await sleep(3000);
  await s.restart(s.pool);
  const downMs = Date.now() - killedAt;
  s.mock.setFaults(undefined);

  const chatResults = await chats;
  const duringResults = await during;
  const out = await settle(s, f, [Promise.resolve(chatResults), Promise.resolve(duringResults)]);
  const failed = out.runs.filter((r) => r.status === 'failed').length;
  report(
    figuresOf('model-pool SIGKILL', out, {
      notes: `down ${downMs} ms; chat streams: ${chatResults.map((c) => c.ended).join(',')}; runs started while down: ${duringResults
        .map((r) => r.status)
        .join(',')}; runs failed: ${failed}`,
    }),
  );
  expect(out.results.filter((r) => r.outcome === 'hung')).toEqual([]);
  // the chat client sees the break in the stream, as OpenAI would send it, and no connection reset
  for (const c of chatResults) expect(c.ended === 'error-event' || c.ended === 'done').toBe(true);
  expect(chatResults.some((c) => c.ended === 'error-event')).toBe(true);
  // runs started while it was down succeeded once it was back
  for (const r of duringResults) expect(r).toMatchObject({ outcome: 'answered', status: 200 });
  for (const r of duringResults) expect(out.runs.find((x) => x.id === r.runId)?.status).toBe('succeeded');
  // a run whose call the kill cut is resumed (that node's next attempt), not failed
  expect(out.runs.map((r) => r.status)).toEqual(out.runs.map(() => 'succeeded'));
  for (const r of out.results.filter((x) => x.kind === 'streaming')) expect(r.text).toBe(r.answer);
  // paid calls: every one in the ledger, open ones as the reaper's estimates
  expect(out.ledger).toBe(out.providerCalls);
  expect(out.mismatched).toEqual([]);
});
