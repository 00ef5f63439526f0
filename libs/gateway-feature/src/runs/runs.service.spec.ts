import { FilesService } from '../files/files.service';
import type { FilesRepository } from '../files/files.repository';
import type { FileStore } from '@shoal/platform';
import { DEFAULT_FILE_LIMITS } from '../files/file-limits';
import { QUEUES, type QueueName, type RunEvent, type RunEventBody } from '@shoal/contracts';
import {
  InMemoryRunCancelBus,
  ApiError,
  InMemoryRunEventStore,
  Prisma,
  configureRootLogger,
  type EnqueueOptions,
  type JobQueue,
  type RequestContext,
  type Unsubscribe,
} from '@shoal/platform';
import { parseWorkflowGraph } from '@shoal/workflow-dsl';
import type { WorkflowWithVersion, WorkflowsRepository } from '../workflows/workflows.repository';
import { WorkflowsService } from '../workflows/workflows.service';
import type { RunRow, RunWithNodes, RunsRepository } from './runs.repository';
import { ConversationsService } from '../conversations/conversations.service';
import type { ConversationsRepository } from '../conversations/conversations.repository';
import { RunsService } from './runs.service';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function graph() {
  const parsed = parseWorkflowGraph({
    nodes: [
      {
        id: 'start',
        data: {
          type: 'start',
          variables: [
            { variable: 'question', type: 'paragraph', required: true, max_length: 50 },
            { variable: 'n', type: 'number' },
          ],
        },
      },
      {
        id: 'llm',
        data: {
          type: 'llm',
          model: { provider: 'mock', name: 'mock-chat', mode: 'chat' },
          prompt_template: [{ role: 'user', text: '{{#start.question#}}' }],
        },
      },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'answer', value_selector: ['llm', 'text'] }] } },
    ],
    edges: [
      { source: 'start', target: 'llm' },
      { source: 'llm', target: 'end' },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return parsed.graph;
}

class FakeWorkflowsRepo {
  readonly workflows = new Map<string, WorkflowWithVersion & { tenantId: string }>();
  reads = 0;
  /** what another replica does: a new latest version, or the workflow archived */
  publishElsewhere(id: string): void {
    const wf = this.workflows.get(id)!;
    const number = wf.version.number + 1;
    this.workflows.set(id, { ...wf, version: { ...wf.version, id: `wfv_${id}_${number}`, number } });
  }
  archiveElsewhere(id: string): void {
    this.workflows.delete(id);
  }
  /** the version an insert checks against (RunsRepository.createQueued) */
  latestVersionOf(id: string): string | undefined {
    return this.workflows.get(id)?.version.id;
  }
  add(id: string, tenantId: string): void {
    this.workflows.set(id, {
      id,
      tenantId,
      name: id,
      description: '',
      createdAt: new Date(),
      version: { id: `wfv_${id}`, number: 1, graph: graph(), createdAt: new Date() },
    });
  }
  async findLatest(tenantId: string, id: string): Promise<WorkflowWithVersion | null> {
    this.reads++;
    const wf = this.workflows.get(id);
    return wf && wf.tenantId === tenantId ? wf : null;
  }
}

class FakeRunsRepo {
  readonly rows = new Map<string, RunRow>();
  constructor(private readonly workflows?: FakeWorkflowsRepo) {}
  async createQueued(
    tenantId: string,
    run: {
      id: string;
      workflowId: string;
      workflowVersionId: string;
      apiKeyId: string;
      inputs: object;
      responseMode: string;
      endUser: string | null;
      traceId: string | null;
    },
  ): Promise<RunRow | 'not_latest'> {
    if (this.workflows && this.workflows.latestVersionOf(run.workflowId) !== run.workflowVersionId) return 'not_latest';
    const now = new Date();
    const row: RunRow = {
      files: null,
      ...run,
      tenantId,
      inputs: run.inputs as Prisma.JsonValue,
      conversationId: null,
      query: null,
      messageId: null,
      status: 'queued',
      outputs: null,
      error: null,
      totalTokens: 0,
      totalSteps: 0,
      totalPrice: new Prisma.Decimal(0),
      currency: 'USD',
      elapsedMs: null,
      attempts: 0,
      workerId: null,
      idempotencyKey: null,
      lastEventSeq: 0,
      cancelRequestedAt: null,
      callDepth: 0,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
    };
    this.rows.set(row.id, row);
    return row;
  }
  async markUnqueued(tenantId: string, runId: string, error: string): Promise<unknown> {
    const row = this.rows.get(runId);
    if (row && row.tenantId === tenantId && row.status === 'queued')
      Object.assign(row, { status: 'failed', error, finishedAt: new Date() });
    return { count: row ? 1 : 0 };
  }
  async stopQueued(tenantId: string, runId: string, error: string): Promise<RunRow | null> {
    const row = this.rows.get(runId);
    if (!row || row.tenantId !== tenantId || row.status !== 'queued') return null;
    const now = new Date();
    return Object.assign(row, { status: 'stopped' as const, error, cancelRequestedAt: now, finishedAt: now, elapsedMs: 0 });
  }
  async requestCancel(tenantId: string, runId: string): Promise<boolean> {
    const row = this.rows.get(runId);
    if (!row || row.tenantId !== tenantId || row.status !== 'running') return false;
    row.cancelRequestedAt ??= new Date();
    return true;
  }
  async setLastEventSeq(tenantId: string, runId: string, seq: number): Promise<void> {
    const row = this.rows.get(runId);
    if (row && row.tenantId === tenantId) row.lastEventSeq = seq;
  }
  async find(tenantId: string, runId: string): Promise<RunRow | null> {
    const row = this.rows.get(runId);
    return row && row.tenantId === tenantId ? row : null;
  }
  async findForStream(tenantId: string, runId: string) {
    const row = await this.find(tenantId, runId);
    return row
      ? { id: row.id, tenantId: row.tenantId, workflowId: row.workflowId, status: row.status, lastEventSeq: row.lastEventSeq }
      : null;
  }
  async findWithNodes(tenantId: string, runId: string): Promise<RunWithNodes | null> {
    const row = await this.find(tenantId, runId);
    return row ? { ...row, nodeExecutions: [] } : null;
  }
}

class FakeQueue implements JobQueue {
  readonly jobs: Array<{ queue: QueueName; payload: unknown; opts: EnqueueOptions }> = [];
  failWith: Error | undefined;
  readonly opened: QueueName[] = [];
  open(queue: QueueName): void {
    this.opened.push(queue);
  }
  async enqueue(queue: QueueName, payload: unknown, opts: EnqueueOptions): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.jobs.push({ queue, payload, opts });
  }
  async presence(): Promise<'missing'> {
    throw new Error('the gateway only enqueues');
  }
  async requeue(): Promise<void> {
    throw new Error('the gateway only enqueues');
  }
  process(): void {
    throw new Error('the gateway only enqueues');
  }
  async stopWorkers(): Promise<void> {
    // nothing consumes here: the gateway only enqueues
  }
  async close(): Promise<void> {
    this.jobs.length = 0;
  }
}

const ctx = (over: Partial<RequestContext> = {}): RequestContext => ({
  tenantId: 'ten_a',
  apiKeyId: 'key_a',
  scopes: ['admin'],
  workflowId: null,
  ...over,
});

const chunk = (text: string): RunEventBody => ({ event: 'text_chunk', data: { text, from_variable_selector: ['llm', 'text'] } });
const finished = (runId: string): RunEventBody => ({
  event: 'workflow_finished',
  data: {
    id: runId,
    workflow_id: 'wf_a',
    status: 'succeeded',
    outputs: { answer: 'x' },
    error: null,
    elapsed_time: 0.2,
    total_tokens: 13,
    total_steps: 3,
    created_at: 0,
    finished_at: 0,
  },
});

/** The in-memory store, counting the subscriptions that are open. */
class CountingEventStore extends InMemoryRunEventStore {
  subscribed = 0;
  active = 0;
  private waiters: Array<() => void> = [];
  /** resolves when the next subscription has caught up and is live */
  whenSubscribed(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }
  override async subscribe(runId: string, afterSeq: number, onEvent: (e: RunEvent) => void): Promise<Unsubscribe> {
    this.subscribed++;
    this.active++;
    const unsubscribe = await super.subscribe(runId, afterSeq, onEvent);
    this.waiters.splice(0).forEach((r) => r());
    let done = false;
    return () => {
      if (!done) this.active--;
      done = true;
      unsubscribe();
    };
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** Only a guard against hanging forever; never an expectation about speed. */
function failureGuard(ms: number): Promise<string> {
  return new Promise((r) => setTimeout(() => r('still running'), ms).unref());
}

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('RunsService', () => {
  beforeAll(() => {
    configureRootLogger({ service: 'test', level: 'silent' });
  });

  let workflows: FakeWorkflowsRepo;
  let runs: FakeRunsRepo;
  let queue: FakeQueue;
  let events: CountingEventStore;
  let service: RunsService;
  let cancelBus: InMemoryRunCancelBus;
  beforeEach(() => {
    cancelBus = new InMemoryRunCancelBus();
    workflows = new FakeWorkflowsRepo();
    workflows.add('wf_a', 'ten_a');
    workflows.add('wf_b', 'ten_a');
    workflows.add('wf_other_tenant', 'ten_b');
    runs = new FakeRunsRepo(workflows);
    queue = new FakeQueue();
    events = new CountingEventStore();
    service = new RunsService(
      new WorkflowsService(workflows as unknown as WorkflowsRepository),
      runs as unknown as RunsRepository,
      queue,
      events,
      // chatflow turns are covered against Postgres (conversations int spec); these workflows have no answer nodes
      new ConversationsService(null as unknown as ConversationsRepository),
      cancelBus,
      // uploads are covered against Postgres (files int spec); these runs name none
      new FilesService({ findMany: async () => [] } as unknown as FilesRepository, null as unknown as FileStore, DEFAULT_FILE_LIMITS),
    );
  });
  afterEach(async () => {
    jest.useRealTimers();
    await events.close();
  });

  it('sets the run queue up at start, so that the first run does not wait for it', () => {
    service.onApplicationBootstrap();
    expect(queue.opened).toEqual([QUEUES.workflowRuns]);
  });

  describe('start', () => {
    it('writes a queued run with the checked inputs and enqueues it under the run id', async () => {
      const run = await service.start(ctx({ traceparent: TRACEPARENT }), 'wf_a', {
        inputs: { question: 'Why?', n: '3' },
        response_mode: 'blocking',
        user: 'u-1',
      });
      expect(run).toMatchObject({
        status: 'queued',
        workflowId: 'wf_a',
        workflowVersionId: 'wfv_wf_a',
        tenantId: 'ten_a',
        apiKeyId: 'key_a',
        endUser: 'u-1',
        traceId: '0af7651916cd43dd8448eb211c80319c',
      });
      expect(run.id).toMatch(/^run_[0-9a-z]{26}$/);
      expect(run.inputs).toEqual({ question: 'Why?', n: 3 });
      expect(queue.jobs).toEqual([
        { queue: QUEUES.workflowRuns, payload: { runId: run.id, traceparent: TRACEPARENT }, opts: { jobId: run.id } },
      ]);
    });

    it('refuses bad inputs with 400 naming inputs.<variable>, and writes and enqueues nothing', async () => {
      const err = await apiError(service.start(ctx(), 'wf_a', { inputs: { n: 'many' }, response_mode: 'blocking' }));
      expect(err.status).toBe(400);
      expect(err.opts.issues!.map((i) => i.path).sort()).toEqual(['inputs.n', 'inputs.question']);
      expect(runs.rows.size).toBe(0);
      expect(queue.jobs).toHaveLength(0);
    });

    it('answers 404 for a workflow of another tenant, or one a bound key may not run', async () => {
      expect(
        (await apiError(service.start(ctx(), 'wf_other_tenant', { inputs: { question: 'q' }, response_mode: 'blocking' }))).status,
      ).toBe(404);
      expect(
        (await apiError(service.start(ctx({ workflowId: 'wf_b' }), 'wf_a', { inputs: { question: 'q' }, response_mode: 'blocking' })))
          .status,
      ).toBe(404);
      expect(runs.rows.size).toBe(0);
    });

    it('reads the workflow once for many starts; a version published elsewhere since is what the next run starts on', async () => {
      const start = () => service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'blocking' });
      for (let i = 0; i < 3; i++) expect(await start()).toMatchObject({ workflowVersionId: 'wfv_wf_a' });
      expect(workflows.reads).toBe(1);
      workflows.publishElsewhere('wf_a');
      // the cached version is refused by the insert; the start is made again from a read
      expect(await start()).toMatchObject({ workflowVersionId: 'wfv_wf_a_2' });
      expect(await start()).toMatchObject({ workflowVersionId: 'wfv_wf_a_2' });
      expect(workflows.reads).toBe(2);
      expect([...runs.rows.values()].map((r) => r.workflowVersionId)).toEqual([...Array(3).fill('wfv_wf_a'), 'wfv_wf_a_2', 'wfv_wf_a_2']);
      expect(queue.jobs).toHaveLength(5);
    });

    it('a workflow archived elsewhere while its version is cached: 404, and nothing written', async () => {
      await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'blocking' });
      workflows.archiveElsewhere('wf_a');
      const err = await apiError(service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'blocking' }));
      expect([err.status, err.message]).toEqual([404, expect.stringContaining('wf_a')]);
      expect(runs.rows.size).toBe(1);
      expect(queue.jobs).toHaveLength(1);
    });

    it('a workflow that changes again between the read and the write: 409 to retry, nothing written', async () => {
      const read = workflows.findLatest.bind(workflows);
      // every read is followed, before the run's insert, by another version published elsewhere
      workflows.findLatest = async (tenantId: string, id: string) => {
        const wf = await read(tenantId, id);
        workflows.publishElsewhere(id);
        return wf;
      };
      const err = await apiError(service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'blocking' }));
      expect([err.status, err.code]).toEqual([409, 'conflict']);
      expect(err.message).toContain('retry');
      expect(runs.rows.size).toBe(0);
      expect(queue.jobs).toHaveLength(0);
    });

    it('when the queue is down: 503 with retry-after, and the run is marked failed rather than left queued forever', async () => {
      queue.failWith = new Error('connect ECONNREFUSED 127.0.0.1:6379');
      const err = await apiError(service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'blocking' }));
      expect([err.status, err.code, err.opts.retryAfterSeconds]).toEqual([503, 'upstream_unavailable', 1]);
      expect(err.message).not.toContain('ECONNREFUSED');
      const [row] = [...runs.rows.values()];
      expect(row).toMatchObject({ status: 'failed', error: 'The run could not be queued' });
      expect(row.finishedAt).toBeInstanceOf(Date);
    });
  });

  describe('waitForEnd', () => {
    it('resolves once workflow_finished is appended, with the run as stored then', async () => {
      const run = await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'blocking' });
      const waiting = service.waitForEnd(ctx(), run.id, AbortSignal.timeout(60_000));
      let settled = false;
      void waiting.then(() => {
        settled = true;
      });
      await events.append(run.id, chunk('a'));
      await flush();
      expect(settled).toBe(false);
      Object.assign(runs.rows.get(run.id)!, { status: 'succeeded', finishedAt: new Date() });
      await events.append(run.id, finished(run.id));
      await expect(waiting).resolves.toMatchObject({ id: run.id, status: 'succeeded' });
      await flush();
      expect(events.active).toBe(0);
    });

    it('resolves at once for a run that finished before the wait began', async () => {
      const run = await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'blocking' });
      await events.append(run.id, finished(run.id));
      await expect(service.waitForEnd(ctx(), run.id, AbortSignal.timeout(60_000))).resolves.toMatchObject({ id: run.id });
    });

    // A fast run can finish before the blocking request subscribes. workflow_finished then arrives
    // in the catch-up, i.e. before subscribe() has returned its Unsubscribe; the `finally` runs
    // with `unsubscribe` still undefined and the subscription is never closed (with Redis: a
    // listener and a channel SUBSCRIBE that stay for the life of the process, per request).
    it('leaves no subscription behind when the run had already finished', async () => {
      const run = await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'blocking' });
      await events.append(run.id, finished(run.id));
      await service.waitForEnd(ctx(), run.id, AbortSignal.timeout(60_000));
      await flush();
      expect(events.active).toBe(0);
    });

    it('gives up after the timeout and returns the unfinished run', async () => {
      jest.useFakeTimers();
      const run = await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'blocking' });
      const waiting = service.waitForEnd(ctx(), run.id, AbortSignal.timeout(5_000));
      await jest.advanceTimersByTimeAsync(5_000);
      await expect(waiting).resolves.toMatchObject({ id: run.id, status: 'queued', finishedAt: null });
      expect(events.active).toBe(0);
    });
  });

  describe('openStream', () => {
    it('checks the run with the light query (never the run with its node executions), and says when a finished run was fully replayed', async () => {
      const run = await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'streaming' });
      runs.findWithNodes = () => {
        throw new Error('opening a stream must not load node executions');
      };
      Object.assign(runs.rows.get(run.id)!, { status: 'succeeded', lastEventSeq: 7 });
      await expect(service.openStream(ctx(), run.id, 6)).resolves.toMatchObject({ run: { id: run.id, lastEventSeq: 7 }, replayed: false });
      await expect(service.openStream(ctx(), run.id, 7)).resolves.toMatchObject({ replayed: true });
      await expect(service.openStream(ctx(), run.id, 9)).resolves.toMatchObject({ replayed: true });
      Object.assign(runs.rows.get(run.id)!, { status: 'running' });
      await expect(service.openStream(ctx(), run.id, 9)).resolves.toMatchObject({ replayed: false });
      expect((await apiError(service.openStream(ctx({ workflowId: 'wf_b' }), run.id, 0))).status).toBe(404);
      expect((await apiError(service.openStream(ctx({ tenantId: 'ten_b' }), run.id, 0))).status).toBe(404);
    });
  });

  describe('follow', () => {
    it('relays the backlog after afterSeq, then live events, in order, and ends with workflow_finished', async () => {
      const run = await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'streaming' });
      for (const t of ['a', 'b', 'c']) await events.append(run.id, chunk(t));
      const got: RunEvent[] = [];
      let backlogSeen!: () => void;
      const backlog = new Promise<void>((r) => {
        backlogSeen = r;
      });
      const following = service.follow(
        ctx(),
        run.id,
        1,
        (e) => {
          got.push(e);
          if (e.sequence === 3) backlogSeen();
        },
        new AbortController().signal,
      );
      await backlog;
      await events.append(run.id, chunk('d'));
      await events.append(run.id, finished(run.id));
      await following;
      expect(got.map((e) => e.sequence)).toEqual([2, 3, 4, 5]);
      expect(got.at(-1)!.event).toBe('workflow_finished');
      await flush();
      expect(events.active).toBe(0);
    });

    // Reconnecting (Last-Event-ID) to a run that has finished: workflow_finished is in the backlog.
    // The SSE response is ended when follow() resolves, so anything relayed after that is written
    // to a closed response (and the subscription leaks, see waitForEnd above).
    it('relays nothing after it has ended, when the run had finished before following began', async () => {
      const run = await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'streaming' });
      await events.append(run.id, chunk('a'));
      await events.append(run.id, finished(run.id));
      const got: number[] = [];
      await service.follow(ctx(), run.id, 0, (e) => got.push(e.sequence), new AbortController().signal);
      expect(got).toEqual([1, 2]);
      await events.append(run.id, chunk('appended by a zombie worker'));
      await flush();
      expect(got).toEqual([1, 2]);
      expect(events.active).toBe(0);
    });

    it('ends when the client goes away mid-stream, and unsubscribes', async () => {
      const run = await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'streaming' });
      const abort = new AbortController();
      const got: number[] = [];
      const live = events.whenSubscribed();
      const following = service.follow(
        ctx(),
        run.id,
        0,
        (e) => {
          got.push(e.sequence);
          abort.abort();
        },
        abort.signal,
      );
      await live;
      await events.append(run.id, chunk('a'));
      await following;
      await flush();
      expect(got).toEqual([1]);
      expect(events.active).toBe(0);
    });

    // The SSE controller aborts on the request's 'close'. A client that disconnects while follow()
    // is still looking the run up (before it listens for 'abort') is never noticed: the abort event
    // has already fired, so follow() waits for a workflow_finished that may never come.
    it('ends when the client went away before the subscription was set up', async () => {
      const run = await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'streaming' });
      const abort = new AbortController();
      const following = service.follow(ctx(), run.id, 0, () => undefined, abort.signal);
      abort.abort(); // while follow() awaits the run lookup
      const outcome = await Promise.race([following.then(() => 'ended'), failureGuard(3_000)]);
      expect(outcome).toBe('ended');
    });

    it('ends at once for a finished run whose events have expired', async () => {
      const run = await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'streaming' });
      Object.assign(runs.rows.get(run.id)!, { status: 'succeeded', finishedAt: new Date() });
      const got: RunEvent[] = [];
      await service.follow(ctx(), run.id, 0, (e) => got.push(e), new AbortController().signal);
      expect(got).toEqual([]);
      await flush();
      expect(events.active).toBe(0);
    });

    it('answers 404 for a run of another tenant, without subscribing', async () => {
      const run = await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'streaming' });
      expect(
        (await apiError(service.follow(ctx({ tenantId: 'ten_b' }), run.id, 0, () => undefined, new AbortController().signal))).status,
      ).toBe(404);
      expect(events.subscribed).toBe(0);
    });
  });

  describe('get', () => {
    it('shows a run to its tenant, but not to a key bound to another workflow', async () => {
      const run = await service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'blocking' });
      await expect(service.get(ctx(), run.id)).resolves.toMatchObject({ id: run.id, nodeExecutions: [] });
      await expect(service.get(ctx({ workflowId: 'wf_a' }), run.id)).resolves.toMatchObject({ id: run.id });
      expect((await apiError(service.get(ctx({ workflowId: 'wf_b' }), run.id))).status).toBe(404);
      expect((await apiError(service.get(ctx({ tenantId: 'ten_b' }), run.id))).status).toBe(404);
    });
  });

  describe('cancel', () => {
    const started = () => service.start(ctx(), 'wf_a', { inputs: { question: 'q' }, response_mode: 'blocking' });

    it('stops a queued run at once and announces its workflow_finished (stopped) once', async () => {
      const run = await started();
      const stopped = await service.cancel(ctx(), run.id);
      expect(stopped).toMatchObject({ status: 'stopped', error: 'The run was stopped by a cancel request' });
      const seen: RunEvent[] = [];
      await events.subscribe(run.id, 0, (e) => seen.push(e));
      expect(seen.map((e) => [e.event, e.event === 'workflow_finished' ? e.data.status : null])).toEqual([
        ['workflow_finished', 'stopped'],
      ]);
      expect(runs.rows.get(run.id)!.lastEventSeq).toBe(seen[0].sequence);
      // idempotent: the stopped run again, nothing announced twice
      expect((await service.cancel(ctx(), run.id)).status).toBe('stopped');
      expect(await events.lastSequence(run.id)).toBe(seen[0].sequence);
    });

    it('flags a running run and tells its worker through the cancel bus', async () => {
      const run = await started();
      runs.rows.get(run.id)!.status = 'running';
      const heard: string[] = [];
      await cancelBus.listen((id) => heard.push(id));
      const answered = await service.cancel(ctx(), run.id);
      expect(answered.status).toBe('running');
      expect(answered.cancelRequestedAt).toBeInstanceOf(Date);
      expect(heard).toEqual([run.id]);
    });

    it('refuses a run that ended otherwise with 409 naming its status; 404 for another tenant, a bound key or a bad id', async () => {
      const run = await started();
      runs.rows.get(run.id)!.status = 'partial_succeeded';
      const err = await apiError(service.cancel(ctx(), run.id));
      expect([err.status, err.code]).toEqual([409, 'conflict']);
      expect(err.message).toContain("'partial-succeeded'");
      expect((await apiError(service.cancel(ctx({ tenantId: 'ten_b' }), run.id))).status).toBe(404);
      expect((await apiError(service.cancel(ctx({ workflowId: 'wf_b' }), run.id))).status).toBe(404);
      expect((await apiError(service.cancel(ctx(), 'not-a-run'))).status).toBe(404);
    });
  });
});
