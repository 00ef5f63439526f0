// The common shape of a chaos scenario: put clients in flight, break something, and afterwards
// collect what the table asks for (runs terminal, provider calls against ledger rows,
// wasted calls, clients hung).
import type { ChaosShoal } from './chaos-shoal';
import {
  blockingRun,
  ledgerGaps,
  ledgerRows,
  llmNodesSucceeded,
  priceMismatches,
  questions,
  runsSince,
  streamingRun,
  until,
  type ClientResult,
  type RunRow,
} from './load';

export const CLIENT_BOUND_MS = Number(process.env['CHAOS_CLIENT_BOUND_MS'] ?? 150_000);

export interface InFlight {
  since: Date;
  callsBefore: number;
  ledgerBefore: number;
  clients: Promise<ClientResult[]>;
}

export async function putInFlight(s: ChaosShoal, tag: string, blocking: number, streaming: number): Promise<InFlight> {
  const since = new Date(Date.now() - 1000);
  const callsBefore = s.mock.calls();
  const ledgerBefore = await ledgerRows(s);
  const qs = questions(blocking + streaming, tag);
  const clients = Promise.all(qs.map((q, i) => (i < blocking ? blockingRun(s, q, CLIENT_BOUND_MS) : streamingRun(s, q, CLIENT_BOUND_MS))));
  return { since, callsBefore, ledgerBefore, clients };
}

export interface Settled {
  results: ClientResult[];
  runs: RunRow[];
  ids: string[];
  providerCalls: number;
  ledger: number;
  llmDone: number;
  mismatched: string[];
  gaps: string[];
}

/** Waits for the clients, then for every run to end and the ledger to catch up with the provider. */
export async function settle(s: ChaosShoal, f: InFlight, extraClients: Array<Promise<ClientResult[]>> = []): Promise<Settled> {
  const results = [...(await f.clients), ...(await Promise.all(extraClients)).flat()];
  const runs = await until(
    () => runsSince(s, f.since),
    (r) => r.every((x) => x.status !== 'running' && x.status !== 'queued'),
    120_000,
  );
  const ids = runs.map((r) => r.id);
  const calls = () => s.mock.calls() - f.callsBefore;
  const ledger = await until(
    async () => (await ledgerRows(s)) - f.ledgerBefore,
    (n) => n >= calls(),
    45_000,
  );
  const gaps = ledger === calls() ? [] : await ledgerGaps(s, f.since);
  if (gaps.length) process.stdout.write(`[chaos] ledger gaps:\n${gaps.join('\n')}\n`);
  return {
    results,
    runs,
    ids,
    providerCalls: calls(),
    ledger,
    llmDone: await llmNodesSucceeded(s, ids),
    mismatched: await priceMismatches(s, ids),
    gaps,
  };
}

export function figuresOf(scenario: string, out: Settled, extra: { takeoverMs?: number; notes?: string } = {}) {
  return {
    scenario,
    ...(extra.takeoverMs !== undefined ? { takeoverMs: extra.takeoverMs } : {}),
    runs: out.runs.length,
    succeeded: out.runs.filter((r) => r.status === 'succeeded').length,
    failed: out.runs.filter((r) => r.status === 'failed').length,
    providerCalls: out.providerCalls,
    // beyond the calls whose answers were used: finished LLM nodes, and chat completions that got their answer
    wastedCalls: out.providerCalls - out.llmDone - out.results.filter((r) => r.kind === 'chat' && r.ended === 'done').length,
    usageLost: out.providerCalls - out.ledger,
    hung: out.results.filter((r) => r.outcome === 'hung').length,
    ...(extra.notes ? { notes: extra.notes } : {}),
  };
}
