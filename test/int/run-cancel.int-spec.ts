// POST /v1/runs/{id}/cancel over HTTP on real Postgres and Redis: the cancel travels through Redis
// pub/sub to the engine holding the run, whose LLM call to the (slow) mock provider is aborted.
import { QUEUES, newId } from '@shoal/contracts';
import { JOB_QUEUE, displayPrefix, generateApiKey, hashApiKey, type JobQueue } from '@shoal/platform';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

const PING_MS = 100;
let s: InProcessServices;
let workflowId = '';
beforeAll(async () => {
  s = await startInProcessServices('run_cancel', { pingIntervalMs: PING_MS });
  const created = await send('POST', '/v1/workflows', {
    name: 'slow',
    graph: {
      nodes: [
        { id: 'start', data: { type: 'start', variables: [{ variable: 'q', label: 'q', type: 'text-input', required: true }] } },
        { id: 'llm', data: { type: 'llm', model: { name: 'mock-chat' }, prompt_template: [{ role: 'user', text: '{{#start.q#}}' }] } },
        {
          id: 'after',
          data: { type: 'template-transform', template: 'after {{ t }}', variables: [{ variable: 't', value_selector: ['llm', 'text'] }] },
        },
        { id: 'end', data: { type: 'end', outputs: [{ variable: 'out', value_selector: ['after', 'output'] }] } },
      ],
      edges: [
        { source: 'start', target: 'llm' },
        { source: 'llm', target: 'after' },
        { source: 'after', target: 'end' },
      ],
    },
  });
  expect(created.status).toBe(201);
  workflowId = created.body.id;
}, 90_000);
afterAll(() => s?.close());

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function send(method: string, url: string, body?: unknown, key = s.apiKey) {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Body };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts a blocking run in the background; resolves with its id once its LLM node is running. */
async function startSlowRun(q: string) {
  const response = send('POST', `/v1/workflows/${workflowId}/runs`, { inputs: { q }, response_mode: 'blocking' });
  const runId = await until('the run row', async () => {
    const row = await s.prisma.workflowRun.findFirst({ where: { inputs: { equals: { q } } }, select: { id: true } });
    return row?.id;
  });
  return { runId, response };
}

const llmRunning = (runId: string) =>
  until('the LLM node to run', async () => {
    const n = await s.prisma.nodeExecution.findFirst({ where: { runId, nodeId: 'llm', status: 'running' } });
    return n ?? undefined;
  });

async function events(runId: string): Promise<Body[]> {
  const res = await fetch(`${s.url}/v1/runs/${runId}/events`, { headers: { authorization: `Bearer ${s.apiKey}` } });
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((b) => b.includes('data: '))
    .map(
      (b) =>
        JSON.parse(
          b
            .split('\n')
            .find((l) => l.startsWith('data: '))!
            .slice(6),
        ) as Body,
    )
    .filter((e) => e.event !== 'ping');
}

it('stops a running run: its LLM call is aborted, no later node runs, and the blocking caller gets the stopped run', async () => {
  s.mock.setFaults({ latencyMs: 120_000, times: 1 });
  try {
    const { runId, response } = await startSlowRun('cancel me while the model thinks');
    await llmRunning(runId);
    const cancelled = await send('POST', `/v1/runs/${runId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: runId, status: 'stopped', error: 'The run was stopped by a cancel request' });

    // the blocking start that was waiting on the run answers with the stopped run
    const blocking = await response;
    expect(blocking.status).toBe(200);
    expect(blocking.body).toMatchObject({ id: runId, status: 'stopped' });

    const names = (await events(runId)).map((e) => `${e.event}${e.data?.node_id ? `:${e.data.node_id}` : ''}`);
    expect(names).toEqual([
      'workflow_started',
      'node_started:start',
      'node_finished:start',
      'node_started:llm',
      'node_finished:llm',
      'workflow_finished',
    ]);
    const finished = (await events(runId)).at(-1)!;
    expect(finished.data).toMatchObject({ status: 'stopped', error: 'The run was stopped by a cancel request' });
    const row = await s.prisma.workflowRun.findUniqueOrThrow({ where: { id: runId } });
    expect(row).toMatchObject({ status: 'stopped' });
    expect(row.cancelRequestedAt).not.toBeNull();
    expect(await s.prisma.nodeExecution.count({ where: { runId, nodeId: 'after' } })).toBe(0);

    // idempotent: cancelling the stopped run again answers it again
    expect(await send('POST', `/v1/runs/${runId}/cancel`)).toMatchObject({ status: 200, body: { status: 'stopped' } });
  } finally {
    s.mock.setFaults(undefined);
  }
}, 60_000);

it('stops a queued run at once, announces it once, and the worker that later takes the job does not run it', async () => {
  // the engine runs two at a time: two slow runs hold both slots, so the third waits in the queue
  s.mock.setFaults({ latencyMs: 120_000, times: 2 });
  try {
    const a = await startSlowRun('slot one');
    const b = await startSlowRun('slot two');
    await Promise.all([llmRunning(a.runId), llmRunning(b.runId)]);
    const queued = await startSlowRun('waiting in line');
    expect((await s.prisma.workflowRun.findUniqueOrThrow({ where: { id: queued.runId } })).status).toBe('queued');

    const cancelled = await send('POST', `/v1/runs/${queued.runId}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'stopped', started_at: null } });
    expect((await queued.response).body).toMatchObject({ status: 'stopped' });

    // free the slots; the queued job is delivered, finds the run stopped, and does nothing
    for (const r of [a, b]) expect((await send('POST', `/v1/runs/${r.runId}/cancel`)).body.status).toBe('stopped');
    await Promise.all([a.response, b.response]);
    // a run queued after it has finished: the queue has delivered the stopped run's job by then
    const later = await send('POST', `/v1/workflows/${workflowId}/runs`, { inputs: { q: 'after the line' }, response_mode: 'blocking' });
    expect(later.body.status).toBe('succeeded');
    const evs = await events(queued.runId);
    expect(evs.map((e) => e.event)).toEqual(['workflow_finished']);
    expect(await s.prisma.nodeExecution.count({ where: { runId: queued.runId } })).toBe(0);
  } finally {
    s.mock.setFaults(undefined);
  }
}, 60_000);

it('refuses to cancel a finished run with 409 naming its status; an unknown run is 404', async () => {
  const done = await send('POST', `/v1/workflows/${workflowId}/runs`, { inputs: { q: 'quick' }, response_mode: 'blocking' });
  expect(done.body.status).toBe('succeeded');
  const again = await send('POST', `/v1/runs/${done.body.id}/cancel`);
  expect(again.status).toBe(409);
  expect(again.body.detail ?? again.body.title).toContain("'succeeded'");
  expect((await send('POST', '/v1/runs/run_01JAAAAAAAAAAAAAAAAAAAAAAA/cancel')).status).toBe(404);
  expect((await send('POST', '/v1/runs/not-a-run/cancel')).status).toBe(404);
  // Dify's stop API answers success, as Dify does for a task that already ended
  expect(await send('POST', `/v1/workflows/tasks/${done.body.id}/stop`, { user: 'u1' })).toMatchObject({
    status: 200,
    body: { result: 'success' },
  });
  expect((await send('POST', '/v1/workflows/tasks/run_01JAAAAAAAAAAAAAAAAAAAAAAA/stop', {})).status).toBe(404);
}, 60_000);

it('sends ping on an open run stream at the configured interval while the run is running', async () => {
  s.mock.setFaults({ latencyMs: 120_000, times: 1 });
  try {
    const { runId, response } = await startSlowRun('keep the stream alive');
    await llmRunning(runId);
    const res = await fetch(`${s.url}/v1/runs/${runId}/events`, { headers: { authorization: `Bearer ${s.apiKey}` } });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    // the LLM call is held by the provider: only pings can arrive now
    while ((text.match(/event: ping/g) ?? []).length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain('event: ping\ndata: {"event":"ping"}');
    expect(text).not.toContain('workflow_finished');
    expect((await send('POST', `/v1/runs/${runId}/cancel`)).body.status).toBe('stopped');
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    // pings came before the end, and the stream closed after workflow_finished
    expect(text.indexOf('event: ping')).toBeLessThan(text.indexOf('"workflow_finished"'));
    await response;
  } finally {
    s.mock.setFaults(undefined);
  }
}, 60_000);

it('a cancel is tenant-scoped: another tenant gets 404 and the run is not touched', async () => {
  const other = generateApiKey();
  const tenantId = newId('ten');
  await s.prisma.tenant.create({ data: { id: tenantId, name: 'other' } });
  await s.prisma.apiKey.create({
    data: { id: newId('key'), tenantId, name: 'other', prefix: displayPrefix(other), hash: hashApiKey(other), scopes: ['admin'] },
  });
  const done = await send('POST', `/v1/workflows/${workflowId}/runs`, { inputs: { q: 'mine' }, response_mode: 'blocking' });
  expect((await send('POST', `/v1/runs/${done.body.id}/cancel`, undefined, other)).status).toBe(404);
  expect((await send('POST', `/v1/workflows/tasks/${done.body.id}/stop`, {}, other)).status).toBe(404);
  expect((await s.prisma.workflowRun.findUniqueOrThrow({ where: { id: done.body.id } })).cancelRequestedAt).toBeNull();
}, 60_000);

it('a worker that takes a run over after its cancel (the message long gone) stops it from the flag in its row', async () => {
  const wf = await s.prisma.workflow.findUniqueOrThrow({ where: { id: workflowId } });
  const runId = newId('run');
  // what a worker that died mid-run leaves when the cancel came while nobody held the run
  await s.prisma.workflowRun.create({
    data: {
      id: runId,
      tenantId: wf.tenantId,
      workflowId,
      workflowVersionId: wf.latestVersionId!,
      status: 'running',
      attempts: 1,
      inputs: { q: 'taken over' },
      startedAt: new Date(),
      cancelRequestedAt: new Date(),
    },
  });
  const calls = s.mock.calls();
  await s.app.get<JobQueue>(JOB_QUEUE).enqueue(QUEUES.workflowRuns, { runId }, { jobId: runId });
  const row = await until('the run to end', async () => {
    const r = await s.prisma.workflowRun.findUniqueOrThrow({ where: { id: runId } });
    return r.status === 'running' ? undefined : r;
  });
  expect(row.status).toBe('stopped');
  expect(s.mock.calls()).toBe(calls);
  expect(await s.prisma.nodeExecution.count({ where: { runId } })).toBe(0);
  // no node had run, so this attempt starts the run as a fresh one would, and ends it at once
  expect((await events(runId)).map((e) => e.event)).toEqual(['workflow_started', 'workflow_finished']);
}, 60_000);
