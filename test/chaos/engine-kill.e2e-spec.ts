// Chaos: an engine dies (SIGKILL) or is stopped (SIGTERM) with runs in flight, blocking and
// streaming clients waiting. The other engine takes the killed one's runs over within seconds (a
// short, often renewed job lock and a frequent stall check), resumes them from their checkpoints
// without asking the provider again for a finished node, and every client gets its answer.
import {
  blockingRun,
  ledgerRows,
  questions,
  report,
  runsSince,
  sleep,
  streamingRun,
  succeededNodes,
  until,
  type ClientResult,
  type RunRow,
} from './support/load';
import type { ServiceProcess } from '@shoal/testing';
import { ENGINE_ENV, startChaosShoal, type ChaosShoal } from './support/chaos-shoal';
import { settle as settleScenario } from './support/scenario';

jest.setTimeout(240_000);
const CLIENT_BOUND_MS = 120_000;
let s: ChaosShoal;

beforeAll(async () => {
  s = await startChaosShoal('engine');
}, 300_000);
afterAll(async () => {
  await s?.close();
});

async function inFlight(tag: string, blocking: number, streaming: number): Promise<{ since: Date; clients: Promise<ClientResult[]> }> {
  const since = new Date(Date.now() - 1000);
  const qs = questions(blocking + streaming, tag);
  const clients = Promise.all(qs.map((q, i) => (i < blocking ? blockingRun(s, q, CLIENT_BOUND_MS) : streamingRun(s, q, CLIENT_BOUND_MS))));
  return { since, clients };
}

/**
 * Puts runs in flight that `victim` takes: the other engines are stopped (SIGSTOP) until it holds
 * `atLeast` of them, then let go. Left to the queue, one engine often takes every run, and a
 * scenario about the victim's runs would prove nothing. Throws when the victim holds too few.
 */
async function inFlightOn(victim: ServiceProcess, tag: string, blocking: number, streaming: number, atLeast: number) {
  const others = s.engines.filter((e) => e !== victim);
  for (const e of others) e.child.kill('SIGSTOP');
  let flight: Awaited<ReturnType<typeof inFlight>>;
  let held: RunRow[];
  try {
    flight = await inFlight(tag, blocking, streaming);
    held = await until(
      async () =>
        (await runsSince(s, flight.since)).filter((r) => r.status === 'running' && r.worker_id?.includes(`:${victim.child.pid}:`)),
      (r) => r.length >= atLeast,
      60_000,
    );
  } finally {
    for (const e of others) e.child.kill('SIGCONT');
  }
  if (held.length < atLeast) throw new Error(`the victim engine holds ${held.length} runs, fewer than the ${atLeast} the scenario needs`);
  return { ...flight, held };
}

function settle(_tag: string, since: Date, clients: Promise<ClientResult[]>, callsBefore: number, ledgerBefore: number) {
  return settleScenario(s, { since, clients, callsBefore, ledgerBefore });
}

function checkClients(results: ClientResult[], runs: Array<{ id: string; outputs: { answer?: string } | null }>) {
  expect(results.filter((r) => r.outcome !== 'answered')).toEqual([]);
  for (const r of results) expect(r.status).toBe(200);
  // a client that joins the streamed chunks reads the answer the run finished with
  for (const r of results.filter((x) => x.kind === 'streaming')) expect(r.text).toBe(r.answer);
  for (const r of results.filter((x) => x.kind === 'blocking')) expect(r.answer).toBe(runs.find((x) => x.id === r.runId)?.outputs?.answer);
}

it('engine SIGKILL: its runs are taken over within seconds, resumed without rerunning a finished node, every client answered', async () => {
  const callsBefore = s.mock.calls();
  const ledgerBefore = await ledgerRows(s);
  s.mock.setFaults({ latencyMs: 1500, interChunkDelayMs: 60 });
  // asked again (a call the kill cut, re-run by the engine that took the run over), the provider
  // answers otherwise, as a real one does: streaming clients get a text_replace and still read the answer
  s.mock.setAnswers(({ question, take }) => (take === 1 ? undefined : `Asked again: ${question}`));
  const victim = s.engines[0]!;
  const pid = victim.child.pid!;
  // the victim holds some runs, and some of them have a finished node already
  const { since, clients, held } = await inFlightOn(victim, 'kill', 20, 10, 5);
  await until(
    async () =>
      (
        await succeededNodes(
          s,
          held.map((r) => r.id),
        )
      ).size,
    (n) => n > held.length,
    30_000,
  );
  const heldIds = (await runsSince(s, since)).filter((r) => r.status === 'running' && r.worker_id?.includes(`:${pid}:`)).map((r) => r.id);
  const committed = await succeededNodes(s, heldIds);
  const killedAt = Date.now();
  expect(await victim.stop('SIGKILL')).toBe('SIGKILL');
  // taken over: each run the victim held is claimed by another worker (or has finished)
  await until(
    async () =>
      (await runsSince(s, since)).filter((r) => heldIds.includes(r.id) && r.status === 'running' && r.worker_id?.includes(`:${pid}:`)),
    (r) => r.length === 0,
    60_000,
    50,
  );
  const takeoverMs = Date.now() - killedAt;
  s.mock.setFaults(undefined);
  s.engines[0] = await s.startEngine();

  const out = await settle('kill', since, clients, callsBefore, ledgerBefore);
  s.mock.setAnswers(undefined);
  checkClients(out.results, out.runs);
  expect(out.runs.map((r) => r.status)).toEqual(out.runs.map(() => 'succeeded'));
  // no node committed before the kill ran again: its row is the very same one
  const after = await succeededNodes(s, heldIds);
  for (const [key, id] of committed) expect(after.get(key)).toBe(id);
  const { jobLock, stallCheck } = { jobLock: Number(ENGINE_ENV.ENGINE_JOB_LOCK_MS), stallCheck: Number(ENGINE_ENV.ENGINE_STALL_CHECK_MS) };
  report({
    scenario: 'engine SIGKILL',
    takeoverMs,
    runs: out.runs.length,
    succeeded: out.runs.filter((r) => r.status === 'succeeded').length,
    failed: out.runs.filter((r) => r.status === 'failed').length,
    providerCalls: out.providerCalls,
    wastedCalls: out.providerCalls - out.llmDone,
    usageLost: out.providerCalls - out.ledger,
    hung: out.results.filter((r) => r.outcome === 'hung').length,
    notes: `held by the victim: ${heldIds.length}`,
  });
  // each provider call is one ledger row; calls beyond the nodes' final ones are the interrupted attempts
  expect(out.ledger).toBe(out.providerCalls);
  expect(out.mismatched).toEqual([]);
  // bounded by the configured lock and stall check (it is their sum at worst, plus the claim), with room for a loaded machine
  expect(takeoverMs).toBeLessThan(2 * (jobLock + stallCheck));
});

it('engine SIGTERM: runs in progress finish before it exits, nothing is asked twice', async () => {
  const callsBefore = s.mock.calls();
  const ledgerBefore = await ledgerRows(s);
  s.mock.setFaults({ latencyMs: 1000, interChunkDelayMs: 40 });
  const victim = s.engines[1]!;
  const { since, clients } = await inFlightOn(victim, 'term', 10, 5, 3);
  await sleep(500);
  // Nest re-raises the signal once it has shut down gracefully
  expect(await victim.stop('SIGTERM')).toBe('SIGTERM');
  s.mock.setFaults(undefined);
  s.engines[1] = await s.startEngine();
  const out = await settle('term', since, clients, callsBefore, ledgerBefore);
  checkClients(out.results, out.runs);
  expect(out.runs.map((r) => r.status)).toEqual(out.runs.map(() => 'succeeded'));
  expect(out.providerCalls).toBe(out.llmDone);
  expect(out.ledger).toBe(out.providerCalls);
  report({
    scenario: 'engine SIGTERM',
    runs: out.runs.length,
    succeeded: out.runs.filter((r) => r.status === 'succeeded').length,
    failed: out.runs.filter((r) => r.status === 'failed').length,
    providerCalls: out.providerCalls,
    wastedCalls: out.providerCalls - out.llmDone,
    usageLost: out.providerCalls - out.ledger,
    hung: out.results.filter((r) => r.outcome === 'hung').length,
  });
});

it('engine SIGSTOP past its lock, SIGCONT after another took over: the stale worker writes nothing, events included', async () => {
  const callsBefore = s.mock.calls();
  const ledgerBefore = await ledgerRows(s);
  s.mock.setFaults({ latencyMs: 1500, interChunkDelayMs: 60 });
  const victim = s.engines[0]!;
  const { since, clients, held } = await inFlightOn(victim, 'stop', 8, 4, 3);
  const heldIds = held.map((r) => r.id);
  victim.child.kill('SIGSTOP');
  try {
    // the other engine takes them over and finishes them
    await until(
      async () => (await runsSince(s, since)).filter((r) => heldIds.includes(r.id) && r.status === 'succeeded').length,
      (n) => n === heldIds.length,
      60_000,
    );
    if ((await runsSince(s, since)).filter((r) => heldIds.includes(r.id) && r.status === 'succeeded').length !== heldIds.length)
      throw new Error("the stopped engine's runs were not taken over");
  } catch (err) {
    const activity = await s.pg.query(
      `SELECT pid, state, wait_event_type, left(query, 120) AS q FROM pg_stat_activity WHERE datname = current_database()`,
    );
    process.stdout.write(`[chaos] no takeover while stopped; sessions: ${JSON.stringify(activity.rows)}\n`);
    throw err;
  } finally {
    victim.child.kill('SIGCONT');
  }
  s.mock.setFaults(undefined);
  const snapshot = async () => ({
    // the run's event stream: nothing appended after its workflow_finished
    events: await Promise.all(heldIds.map((id) => s.redis.xlen(`${s.prefix}run:${id}:events`))),
    rows: (
      await s.pg.query(
        `SELECT r.id, r.status::text, r.worker_id, r.outputs, r.finished_at, array_agg(n.id || n.status::text ORDER BY n.id) AS nodes
           FROM workflow_runs r JOIN node_executions n ON n.run_id = r.id WHERE r.id = ANY($1) GROUP BY r.id`,
        [heldIds],
      )
    ).rows,
  });
  const before = await snapshot();
  // the stale worker wakes up with its calls answered: whatever it tries to write is fenced off
  await sleep(4000);
  const after = await snapshot();
  for (const [i, id] of heldIds.entries())
    if (after.events[i] !== before.events[i]) {
      // what was appended, to say who wrote it
      const added = (await s.redis.xrange(`${s.prefix}run:${id}:events`, '-', '+')).slice(before.events[i]!);
      process.stdout.write(`[chaos] ${id}: appended after the run finished: ${JSON.stringify(added).slice(0, 3000)}\n`);
    }
  expect(after).toEqual(before);
  const out = await settle('stop', since, clients, callsBefore, ledgerBefore);
  checkClients(out.results, out.runs);
  expect(out.runs.map((r) => r.status)).toEqual(out.runs.map(() => 'succeeded'));
  expect(out.ledger).toBe(out.providerCalls);
  report({
    scenario: 'engine SIGSTOP then SIGCONT',
    runs: out.runs.length,
    succeeded: out.runs.filter((r) => r.status === 'succeeded').length,
    failed: out.runs.filter((r) => r.status === 'failed').length,
    providerCalls: out.providerCalls,
    wastedCalls: out.providerCalls - out.llmDone,
    usageLost: out.providerCalls - out.ledger,
    hung: out.results.filter((r) => r.outcome === 'hung').length,
    notes: `held by the stopped engine: ${heldIds.length}`,
  });
});
