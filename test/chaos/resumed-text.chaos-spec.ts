// Chaos: an engine dies while an LLM node streams, and the provider, asked again by the engine that
// takes the run over, answers otherwise (as a real one does). Streaming clients of a workflow and of a
// chatflow, which join chunks (text_chunk / message) and apply replaces (text_replace /
// message_replace), end with exactly the run's answer; so does a client that replays the run's events,
// from the start or from the middle with Last-Event-ID.
import { CHAOS_KEY, startChaosShoal, type ChaosShoal } from './support/chaos-shoal';
import { readEvents, until } from './support/load';

jest.setTimeout(180_000);
let s: ChaosShoal;
const headers = { authorization: `Bearer ${CHAOS_KEY}`, 'content-type': 'application/json' };

const LLM = (text: string) => ({
  type: 'llm',
  model: { name: 'mock-chat' },
  prompt_template: [{ role: 'user', text }],
});
const WORKFLOW = {
  name: 'resumed text workflow',
  graph: {
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'question', type: 'paragraph', required: true }] } },
      { id: 'llm', data: LLM('{{#start.question#}}') },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'answer', value_selector: ['llm', 'text'] }] } },
    ],
    edges: [
      { source: 'start', target: 'llm' },
      { source: 'llm', target: 'end' },
    ],
  },
};
const CHATFLOW = {
  name: 'resumed text chatflow',
  graph: {
    nodes: [
      { id: 'start', data: { type: 'start', variables: [] } },
      { id: 'llm', data: LLM('{{#sys.query#}}') },
      { id: 'answer', data: { type: 'answer', answer: 'A: {{#llm.text#}}' } },
    ],
    edges: [
      { source: 'start', target: 'llm' },
      { source: 'llm', target: 'answer' },
    ],
  },
};
// the first answer is long; asked again, the provider departs from it after one word and is shorter
const FIRST = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron';
const AGAIN = 'alpha omega';

interface Event {
  event: string;
  sequence: number;
  answer?: string;
  data?: { text?: string; outputs?: { answer?: string } | null };
}

/** What a Dify client holds after one more event: chunks joined, a replace taking the place of all. */
function apply(held: string, e: Event): string {
  if (e.event === 'text_chunk') return held + (e.data?.text ?? '');
  if (e.event === 'message') return held + (e.answer ?? '');
  if (e.event === 'text_replace') return e.data?.text ?? '';
  if (e.event === 'message_replace') return e.answer ?? '';
  return held;
}

interface Client {
  runId?: string;
  events: Event[];
  /** the text the client held after each event, by sequence number */
  heldAt: Map<number, string>;
  text: string;
  done: Promise<void>;
}

function follow(res: Promise<Response>): Client {
  const c: Client = { events: [], heldAt: new Map(), text: '', done: Promise.resolve() };
  c.done = res.then(async (r) => {
    expect(r.status).toBe(200);
    await readEvents(r, (raw) => {
      const e = JSON.parse(raw) as Event & { workflow_run_id?: string };
      c.runId ??= e.workflow_run_id;
      c.events.push(e);
      c.text = apply(c.text, e);
      c.heldAt.set(e.sequence, c.text);
    });
  });
  return c;
}

async function create(workflow: object): Promise<string> {
  const res = await fetch(`${s.gateway.url}/v1/workflows`, { method: 'POST', headers, body: JSON.stringify(workflow) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function replay(runId: string, lastEventId?: number): Promise<Event[]> {
  const res = await fetch(`${s.gateway.url}/v1/runs/${runId}/events`, {
    headers: { ...headers, ...(lastEventId !== undefined ? { 'last-event-id': String(lastEventId) } : {}) },
    signal: AbortSignal.timeout(30_000),
  });
  expect(res.status).toBe(200);
  const events: Event[] = [];
  await readEvents(res, (raw) => events.push(JSON.parse(raw) as Event));
  return events.filter((e) => e.event !== 'ping');
}

beforeAll(async () => {
  s = await startChaosShoal('text', { engines: 1 });
}, 300_000);
afterAll(async () => {
  await s?.close();
});

it('a run resumed after an engine SIGKILL, whose provider answers otherwise, leaves workflow and chatflow clients with exactly its answer', async () => {
  const [workflowId, chatflowId] = await Promise.all([create(WORKFLOW), create(CHATFLOW)]);
  s.mock.setAnswers(({ question, take }) => `${question}: ${take === 1 ? FIRST : AGAIN}`);
  s.mock.setFaults({ interChunkDelayMs: 300 });
  const wf = follow(
    fetch(`${s.gateway.url}/v1/workflows/${workflowId}/runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ inputs: { question: 'resumed workflow' }, response_mode: 'streaming' }),
      signal: AbortSignal.timeout(120_000),
    }),
  );
  const chat = follow(
    fetch(`${s.gateway.url}/v1/workflows/${chatflowId}/runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: 'resumed chat', response_mode: 'streaming' }),
      signal: AbortSignal.timeout(120_000),
    }),
  );
  // both clients hold part of the first answer, past where the second departs from it
  await until(
    async () => [wf.text, chat.text],
    (t) => t.every((x) => x.includes('gamma')),
    60_000,
    50,
  );
  expect(await s.engines[0]!.stop('SIGKILL')).toBe('SIGKILL');
  s.mock.setFaults(undefined);
  s.engines[0] = await s.startEngine();
  await Promise.all([wf.done, chat.done]);
  s.mock.setAnswers(undefined);

  const finished = wf.events.find((e) => e.event === 'workflow_finished');
  expect(finished?.data?.outputs?.answer).toBe(`resumed workflow: ${AGAIN}`);
  expect(wf.text).toBe(`resumed workflow: ${AGAIN}`);
  expect(wf.events.filter((e) => e.event === 'text_replace')).toHaveLength(1);
  const chatAnswer = (await s.pg.query<{ answer: string }>(`SELECT answer FROM messages WHERE run_id = $1`, [chat.runId])).rows[0]?.answer;
  expect(chatAnswer).toBe(`A: resumed chat: ${AGAIN}`);
  expect(chat.text).toBe(chatAnswer);
  expect(chat.events.filter((e) => e.event === 'message_replace')).toHaveLength(1);
  expect(chat.events.some((e) => e.event === 'text_replace' || e.event === 'text_chunk')).toBe(false);

  // the event store replays the replaces: from the start, and from just before the replace with Last-Event-ID
  for (const c of [wf, chat]) {
    const all = await replay(c.runId!);
    expect(all.reduce(apply, '')).toBe(c.text);
    const replace = c.events.find((e) => e.event.endsWith('_replace'))!;
    const before = replace.sequence - 1;
    const rest = await replay(c.runId!, before);
    expect(rest[0]?.sequence).toBe(replace.sequence);
    expect(rest.reduce(apply, c.heldAt.get(before) ?? '')).toBe(c.text);
  }
});
