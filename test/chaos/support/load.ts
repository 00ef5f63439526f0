// The clients the chaos suite keeps in flight while it breaks things (blocking runs, streaming runs,
// streamed chat completions), each with a bound past which it counts as hung, and the checks made
// afterwards against Postgres and the mock's call count.
import type { ChaosShoal } from './chaos-shoal';
import { CHAOS_KEY } from './chaos-shoal';

export type Outcome = 'answered' | 'hung' | 'broken';
export interface ClientResult {
  kind: 'blocking' | 'streaming' | 'chat';
  outcome: Outcome;
  status?: number;
  runId?: string;
  /** streaming: the text as a client holds it (text_chunk texts joined, text_replace applied), and the answer the run finished with */
  text?: string;
  answer?: string;
  /** chat: the stream ended with [DONE], or with an explicit error event */
  ended?: 'done' | 'error-event' | 'cut';
  /** streaming: the last event's sequence number seen */
  lastSeq?: number;
  ms: number;
}

const headers = { authorization: `Bearer ${CHAOS_KEY}`, 'content-type': 'application/json' };
const isTimeout = (err: unknown) => (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';

export async function blockingRun(s: ChaosShoal, question: string, boundMs: number): Promise<ClientResult> {
  const t0 = Date.now();
  try {
    const res = await fetch(`${s.gateway.url}/v1/workflows/${s.workflowId}/runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ inputs: { question }, response_mode: 'blocking' }),
      signal: AbortSignal.timeout(boundMs),
    });
    const body = (await res.json()) as { id?: string; status?: string; outputs?: { answer?: string } };
    return { kind: 'blocking', outcome: 'answered', status: res.status, runId: body.id, answer: body.outputs?.answer, ms: Date.now() - t0 };
  } catch (err) {
    return { kind: 'blocking', outcome: isTimeout(err) ? 'hung' : 'broken', ms: Date.now() - t0 };
  }
}

export interface Sse {
  event?: string;
  data?: { text?: string; outputs?: { answer?: string } };
  workflow_run_id?: string;
  sequence?: number;
  error?: unknown;
  choices?: Array<{ delta?: { content?: string } }>;
}

export async function readEvents(res: Response, onEvent: (raw: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let carry = '';
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    carry += decoder.decode(bytes, { stream: true });
    let at: number;
    while ((at = carry.indexOf('\n\n')) >= 0) {
      const block = carry.slice(0, at);
      carry = carry.slice(at + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      if (data) onEvent(data);
    }
  }
}

export async function streamingRun(s: ChaosShoal, question: string, boundMs: number): Promise<ClientResult> {
  const t0 = Date.now();
  let text = '';
  let answer: string | undefined;
  let runId: string | undefined;
  let status: number | undefined;
  let lastSeq: number | undefined;
  try {
    const res = await fetch(`${s.gateway.url}/v1/workflows/${s.workflowId}/runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ inputs: { question }, response_mode: 'streaming' }),
      signal: AbortSignal.timeout(boundMs),
    });
    status = res.status;
    if (res.status !== 200) return { kind: 'streaming', outcome: 'answered', status, ms: Date.now() - t0 };
    await readEvents(res, (raw) => {
      const e = JSON.parse(raw) as Sse;
      runId ??= e.workflow_run_id;
      lastSeq = e.sequence ?? lastSeq;
      if (e.event === 'text_chunk') text += e.data?.text ?? '';
      // a resumed run whose text departs from what was sent replaces it whole (Dify's text_replace)
      if (e.event === 'text_replace') text = e.data?.text ?? '';
      if (e.event === 'workflow_finished') answer = e.data?.outputs?.answer;
    });
    return { kind: 'streaming', outcome: 'answered', status, runId, text, answer, ms: Date.now() - t0 };
  } catch (err) {
    return { kind: 'streaming', outcome: isTimeout(err) ? 'hung' : 'broken', status, runId, text, answer, lastSeq, ms: Date.now() - t0 };
  }
}

export async function chatStream(s: ChaosShoal, question: string, boundMs: number): Promise<ClientResult> {
  const t0 = Date.now();
  let ended: ClientResult['ended'] = 'cut';
  let status: number | undefined;
  try {
    const res = await fetch(`${s.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'mock-chat', stream: true, messages: [{ role: 'user', content: question }] }),
      signal: AbortSignal.timeout(boundMs),
    });
    status = res.status;
    if (res.status !== 200) return { kind: 'chat', outcome: 'answered', status, ms: Date.now() - t0 };
    await readEvents(res, (raw) => {
      if (raw === '[DONE]') ended = ended === 'error-event' ? ended : 'done';
      else if ((JSON.parse(raw) as Sse).error) ended = 'error-event';
    });
    return { kind: 'chat', outcome: 'answered', status, ended, ms: Date.now() - t0 };
  } catch (err) {
    return { kind: 'chat', outcome: isTimeout(err) ? 'hung' : 'broken', status, ended, ms: Date.now() - t0 };
  }
}

export function questions(n: number, tag: string): string[] {
  return Array.from({ length: n }, (_, i) => `chaos ${tag} question number ${i} about the lease of a run that must survive`);
}

export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await fn();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, everyMs));
    v = await fn();
  }
  return v;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RunRow {
  id: string;
  status: string;
  worker_id: string | null;
  total_price: string | null;
  outputs: { answer?: string } | null;
}

export async function runsSince(s: ChaosShoal, since: Date): Promise<RunRow[]> {
  return (
    await s.pg.query<RunRow>(
      `SELECT id, status::text, worker_id, trim_scale(total_price)::text AS total_price, outputs FROM workflow_runs WHERE created_at >= $1 ORDER BY created_at`,
      [since],
    )
  ).rows;
}

export async function ledgerRows(s: ChaosShoal): Promise<number> {
  return Number((await s.pg.query('SELECT count(*)::int AS n FROM usage_records')).rows[0].n);
}

/** Succeeded node executions of these runs, by id: a resumed run must leave each exactly as it was. */
export async function succeededNodes(s: ChaosShoal, runIds: string[]): Promise<Map<string, string>> {
  const rows = (
    await s.pg.query<{ id: string; run_id: string; execution_key: string }>(
      `SELECT id, run_id, execution_key FROM node_executions WHERE run_id = ANY($1) AND status = 'succeeded'`,
      [runIds],
    )
  ).rows;
  return new Map(rows.map((r) => [`${r.run_id}/${r.execution_key}`, r.id]));
}

export async function llmNodesSucceeded(s: ChaosShoal, runIds: string[]): Promise<number> {
  return Number(
    (
      await s.pg.query(
        `SELECT count(*)::int AS n FROM node_executions WHERE run_id = ANY($1) AND status = 'succeeded' AND node_type = 'llm'`,
        [runIds],
      )
    ).rows[0].n,
  );
}

/**
 * Runs whose price differs from the ledger's rows for the calls their finished nodes name, with the
 * engine's re-sends of them (`<call id>:resend-<n>`, sent while model-pool was unreachable) (a run's
 * price counts each node's final call; an attempt a crash interrupted is in the ledger only).
 */
export async function priceMismatches(s: ChaosShoal, runIds: string[]): Promise<string[]> {
  const rows = (
    await s.pg.query<{ id: string }>(
      `SELECT r.id FROM workflow_runs r
         LEFT JOIN node_executions n ON n.run_id = r.id AND n.status = 'succeeded' AND n.call_id IS NOT NULL
         LEFT JOIN usage_records u ON u.call_id = n.call_id OR starts_with(u.call_id, n.call_id || ':resend-')
        WHERE r.id = ANY($1) AND r.status = 'succeeded'
        GROUP BY r.id, r.total_price
       HAVING coalesce(sum(u.total_cost), 0) <> r.total_price`,
      [runIds],
    )
  ).rows;
  return rows.map((r) => r.id);
}

export interface Figures {
  scenario: string;
  takeoverMs?: number;
  runs: number;
  succeeded: number;
  failed: number;
  providerCalls: number;
  wastedCalls: number;
  usageLost: number;
  hung: number;
  notes?: string;
}

const table: Figures[] = [];
export function report(f: Figures): void {
  table.push(f);
  const line = Object.entries(f)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  process.stdout.write(`\n[chaos] ${line}\n`);
}
export function figures(): Figures[] {
  return table;
}

/**
 * Where provider calls and ledger rows differ, run by run: the mock's calls are matched to runs by
 * their prompt (the run's question, or "Mock answer: " and the question for the second node).
 */
export async function ledgerGaps(s: ChaosShoal, since: Date): Promise<string[]> {
  const runs = (
    await s.pg.query<{ id: string; q: string }>(`SELECT id, inputs->>'question' AS q FROM workflow_runs WHERE created_at >= $1`, [since])
  ).rows;
  const rows = (
    await s.pg.query<{ run_id: string; node_id: string; call_id: string; attempt: number; status: string }>(
      `SELECT run_id, node_id, call_id, attempt, status FROM usage_records WHERE run_id = ANY($1)`,
      [runs.map((r) => r.id)],
    )
  ).rows;
  const log = s.mock.callLog();
  const prompts = log.map((c) => JSON.stringify((c.body as { messages?: Array<{ content?: unknown }> }).messages?.at(-1)?.content ?? ''));
  const gaps: string[] = [`open usage intents: ${await s.redis.zcard(`${s.prefix}usage:open`)}`];
  for (const r of runs) {
    const calls = prompts.filter((p) => p.includes(r.q)).length;
    const ledger = rows.filter((x) => x.run_id === r.id);
    if (calls !== ledger.length) {
      gaps.push(`${r.id}: ${calls} provider calls, ledger ${JSON.stringify(ledger.map((x) => `${x.call_id}#${x.attempt}:${x.status}`))}`);
      // each call: when it arrived, its status, and the start of its prompt (which node asked)
      for (const [i, p] of prompts.entries())
        if (p.includes(r.q))
          gaps.push(`  ${new Date(log[i]!.at).toISOString()} ${log[i]!.status} ${log[i]!.stream ? 'stream' : 'json'} ${p.slice(0, 80)}`);
    }
  }
  return gaps;
}
