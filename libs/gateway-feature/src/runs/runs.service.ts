import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  looksLikeId,
  newId,
  QUEUES,
  RUN_STOPPED_MESSAGE,
  TERMINAL_RUN_STATUSES,
  runStatusFromColumn,
  runStatusToColumn,
  workflowFinishedOf,
  type RunEvent,
  type RunJob,
  type RunStatus,
} from '@shoal/contracts';
import {
  ApiError,
  JOB_QUEUE,
  RUN_CANCEL_BUS,
  RUN_EVENT_STORE,
  type RunCancelBus,
  createLogger,
  type JobQueue,
  type Prisma,
  type RequestContext,
  type RunEventStore,
  type Unsubscribe,
} from '@shoal/platform';
import { validateRunFiles } from '@shoal/workflow-dsl';
import { WorkflowsService, type WorkflowForRun } from '../workflows/workflows.service';
import { RunsRepository, withEnd, type RunRow, type RunStreamRow, type RunWithNodes } from './runs.repository';
import { ConversationsService } from '../conversations/conversations.service';
import { isChatflow } from '../conversations/chatflow';
import { FilesService } from '../files/files.service';
import { runFileRules } from '../files/run-file-rules';

export interface StartRunInput {
  inputs: Record<string, unknown>;
  response_mode: 'blocking' | 'streaming';
  user?: string;
  /** chatflows: the user's message (sys.query) and the conversation to continue (a new one when absent) */
  query?: string;
  conversation_id?: string;
  /** the Idempotency-Key header: a retried request gets the run the first one started */
  idempotencyKey?: string;
  /** Dify's `files`: files the run sees as sys.files (uploaded ones by `upload_file_id`) */
  files?: unknown[];
}

@Injectable()
export class RunsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger('RunsService');
  // ends every open event stream and blocking wait, so the HTTP server can close
  private readonly shuttingDown = new AbortController();

  constructor(
    @Inject(WorkflowsService) private readonly workflows: WorkflowsService,
    @Inject(RunsRepository) private readonly runs: RunsRepository,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(RUN_EVENT_STORE) private readonly events: RunEventStore,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(RUN_CANCEL_BUS) private readonly cancels: RunCancelBus,
    @Inject(FilesService) private readonly files: FilesService,
  ) {}

  onApplicationBootstrap(): void {
    // the run queue is set up at start (BullMQ is loaded then), not by the first run's request
    this.queue.open(QUEUES.workflowRuns);
  }

  /**
   * Validate the inputs, write the queued run, enqueue it. Bad input writes nothing. The workflow
   * comes from the run-start cache when it is warm; a version published or an archive made since
   * (on any replica) is caught by the run's insert, which then writes nothing, and the start is
   * made again from the workflow as it now reads.
   */
  async start(ctx: RequestContext, workflowId: string, input: StartRunInput): Promise<RunRow> {
    let wf = await this.workflows.forRun(ctx, workflowId);
    // a chatflow's run is written with its conversation's turn, which does not check the version: from a read
    if (wf.cached && isChatflow(wf.version.graph)) wf = await this.workflows.forRun(ctx, workflowId, true);
    const first = await this.startFrom(ctx, wf, input);
    if (first !== 'not_latest') return first;
    const again = await this.startFrom(ctx, await this.workflows.forRun(ctx, workflowId, true), input);
    if (again !== 'not_latest') return again;
    // changed again between a read and a write a moment later: the client's retry settles it
    throw new ApiError('conflict', `Workflow '${workflowId}' changed while the run was starting; retry the request`);
  }

  private async startFrom(ctx: RequestContext, wf: WorkflowForRun, input: StartRunInput): Promise<RunRow | 'not_latest'> {
    // uploaded files the inputs and `files` name, among those this caller sees
    const uploads = await this.files.lookupFor(ctx, input.inputs, input.files);
    const checked = this.workflows.validateInputs(wf.graph, input.inputs, uploads);
    if (!checked.ok) {
      // the DSL already roots these at `inputs`
      const issues = checked.issues.map((i) => ({ path: i.path, message: i.message, code: i.code }));
      throw ApiError.validation(`Invalid inputs: ${issues.map((i) => i.message).join('; ')}`, issues);
    }
    const sysFiles = validateRunFiles(input.files, { ...runFileRules(wf.version.graph, this.files.limits), uploads });
    if (!sysFiles.ok) {
      const issues = sysFiles.issues.map((i) => ({ path: i.path, message: i.message, code: i.code }));
      throw ApiError.validation(`Invalid files: ${issues.map((i) => i.message).join('; ')}`, issues);
    }
    const chat = isChatflow(wf.version.graph);
    if (chat && input.query === undefined)
      throw ApiError.validation('A chatflow run needs a query (the user message)', [
        { path: 'query', message: 'is required', code: 'invalid_type' },
      ]);
    for (const field of ['query', 'conversation_id'] as const)
      if (!chat && input[field] !== undefined)
        throw ApiError.validation(`${field} applies to chatflows only; workflow '${wf.id}' is a workflow`, [
          { path: field, message: 'applies to chatflows (advanced-chat) only', code: 'unrecognized_keys' },
        ]);
    if (input.idempotencyKey) {
      const earlier = await this.runs.findByIdempotencyKey(ctx.tenantId, input.idempotencyKey);
      if (earlier) return sameRequest(earlier, wf.id, checked.inputs, input.idempotencyKey);
    }
    const row = {
      id: newId('run'),
      workflowId: wf.id,
      workflowVersionId: wf.version.id,
      apiKeyId: ctx.apiKeyId,
      inputs: checked.inputs,
      responseMode: input.response_mode,
      endUser: input.user ?? null,
      traceId: ctx.traceparent?.split('-')[1] ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      ...(sysFiles.files.length ? { files: sysFiles.files as Prisma.InputJsonValue[] } : {}),
    };
    let created: RunRow | 'duplicate' | 'not_latest';
    if (chat) {
      try {
        created = (
          await this.conversations.startTurn(ctx, input.conversation_id, wf.id, row.endUser, {
            ...row,
            inputs: row.inputs as Prisma.InputJsonValue,
            query: input.query ?? '',
            messageId: newId('msg'),
          })
        ).run;
      } catch (err) {
        // another request with the same Idempotency-Key won the race
        if (!(input.idempotencyKey && (err as { code?: string }).code === 'P2002')) throw err;
        created = 'duplicate';
      }
    } else created = await this.runs.createQueued(ctx.tenantId, row);
    if (created === 'not_latest') return created;
    if (created === 'duplicate') {
      const earlier = await this.runs.findByIdempotencyKey(ctx.tenantId, input.idempotencyKey as string);
      if (!earlier) throw new ApiError('conflict', 'A request with this Idempotency-Key is being processed; retry it');
      return sameRequest(earlier, wf.id, checked.inputs, input.idempotencyKey as string);
    }
    const run = created;
    // before it is queued: nothing has run it yet
    this.events.created?.(run.id);
    const job: RunJob = { runId: run.id, ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}) };
    try {
      await this.queue.enqueue(QUEUES.workflowRuns, job, { jobId: run.id });
    } catch (err) {
      this.log.error({ err, runId: run.id }, 'could not enqueue run');
      await this.runs.markUnqueued(ctx.tenantId, run.id, 'The run could not be queued');
      throw new ApiError('upstream_unavailable', 'The run queue is unavailable; the run was not started', { retryAfterSeconds: 1 });
    }
    return run;
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown.abort();
  }

  /**
   * Resolves when the run has finished (or `signal` aborted: a timeout, the client gone) with the run
   * as stored. `written`: the row as this request inserted it; with the end record the engine
   * announced the end with (the columns its end statement stored), the row is built from the two
   * instead of read back (RunsRepository.withEnd).
   */
  async waitForEnd(ctx: RequestContext, runId: string, signal: AbortSignal, written?: RunRow): Promise<RunRow> {
    // the end alone, not the events before it (with Redis: one subscription per process, not one per run)
    const end = await this.events.whenFinished(runId, AbortSignal.any([signal, this.shuttingDown.signal]));
    const built = written && written.id === runId && written.tenantId === ctx.tenantId ? withEnd(written, end) : undefined;
    if (built) return built;
    const run = await this.runs.find(ctx.tenantId, runId);
    if (!run) throw ApiError.notFound('Run', runId);
    return run;
  }

  /** The tenant's runs (a bound key: its workflow's only), newest first. */
  list(
    ctx: RequestContext,
    q: { workflowId?: string; status?: RunStatus; createdAfter?: Date; createdBefore?: Date; limit: number; after?: string },
  ) {
    if (ctx.workflowId && q.workflowId && q.workflowId !== ctx.workflowId) return Promise.resolve({ runs: [], hasMore: false });
    return this.runs.list(ctx.tenantId, {
      ...q,
      workflowId: ctx.workflowId ?? q.workflowId,
      status: q.status ? runStatusToColumn(q.status) : undefined,
    });
  }

  /**
   * Stops a queued or running run: a queued one ends `stopped` here and now; a running one is
   * flagged in its row (a worker that takes it over later sees the flag) and its worker is told at
   * once through the cancel bus. Idempotent: cancelling a run that is stopping or stopped answers
   * the run again. A run that ended otherwise is a conflict naming its status.
   */
  async cancel(ctx: RequestContext, runId: string): Promise<RunRow> {
    const run = await this.visibleRun(ctx, runId);
    if (run.status === 'queued') {
      const stopped = await this.runs.stopQueued(ctx.tenantId, runId, RUN_STOPPED_MESSAGE);
      if (stopped) {
        await this.announceStopped(stopped);
        return stopped;
      }
    }
    if (await this.runs.requestCancel(ctx.tenantId, runId)) {
      // the flag is durable: a lost message is picked up by the worker's poll of it
      await this.cancels.publish(runId).catch((err: unknown) => this.log.warn({ err, runId }, 'could not publish the cancel'));
      return (await this.runs.find(ctx.tenantId, runId)) ?? run;
    }
    const now = (await this.runs.find(ctx.tenantId, runId)) ?? run;
    if (now.status === 'stopped') return now;
    const status = runStatusFromColumn(now.status);
    throw new ApiError(
      'conflict',
      `Run '${runId}' has already finished with status '${status}'; only a queued or running run can be cancelled`,
    );
  }

  /** Dify's stop: cancels the run, and is content when it has already ended (Dify answers success either way). */
  async stop(ctx: RequestContext, runId: string): Promise<void> {
    try {
      await this.cancel(ctx, runId);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'conflict')) throw err;
    }
  }

  /** The workflow_finished of a run stopped while queued: no worker ever held it, so nobody else announces it. */
  private async announceStopped(run: RunRow): Promise<void> {
    const e = await this.events.append(
      run.id,
      workflowFinishedOf({ ...run, status: 'stopped', outputs: null, totalTokens: 0, totalSteps: 0 }),
    );
    if (e && !this.events.recordsLastEventSeq) await this.runs.setLastEventSeq(run.tenantId, run.id, e.sequence);
  }

  private async visibleRun(ctx: RequestContext, runId: string): Promise<RunRow> {
    if (!looksLikeId(runId, 'run')) throw ApiError.notFound('Run', runId);
    const run = await this.runs.find(ctx.tenantId, runId);
    if (!run || (ctx.workflowId && run.workflowId !== ctx.workflowId)) throw ApiError.notFound('Run', runId);
    return run;
  }

  async get(ctx: RequestContext, runId: string): Promise<RunWithNodes> {
    if (!looksLikeId(runId, 'run')) throw ApiError.notFound('Run', runId);
    const run = await this.runs.findWithNodes(ctx.tenantId, runId);
    if (!run || (ctx.workflowId && run.workflowId !== ctx.workflowId)) throw ApiError.notFound('Run', runId);
    return run;
  }

  /**
   * The run an event stream is about to follow, by a light query (no node executions); a key bound
   * to another workflow does not see it. `replayed` when the run has finished and the client has
   * every one of its events already: there is nothing to stream.
   */
  async openStream(ctx: RequestContext, runId: string, afterSeq: number): Promise<{ run: RunStreamRow; replayed: boolean }> {
    if (!looksLikeId(runId, 'run')) throw ApiError.notFound('Run', runId);
    const run = await this.runs.findForStream(ctx.tenantId, runId);
    if (!run || (ctx.workflowId && run.workflowId !== ctx.workflowId)) throw ApiError.notFound('Run', runId);
    const finished = TERMINAL_RUN_STATUSES.has(runStatusFromColumn(run.status));
    return { run, replayed: finished && run.lastEventSeq > 0 && afterSeq >= run.lastEventSeq };
  }

  /**
   * Relay a run's events after `afterSeq`; resolves after `workflow_finished` (or when `signal`
   * aborts). `run` is the row openStream returned, when there was one (else it is looked up). A
   * run that ended before its events expired replays them all; one whose events expired, or that
   * has none after `afterSeq`, ends at once.
   */
  async follow(
    ctx: RequestContext,
    runId: string,
    afterSeq: number,
    onEvent: (e: RunEvent) => void,
    signal: AbortSignal,
    run?: RunStreamRow,
  ): Promise<void> {
    const row = run ?? (await this.openStream(ctx, runId, afterSeq)).run;
    const finished = TERMINAL_RUN_STATUSES.has(runStatusFromColumn(row.status));
    // finished, and nothing stored after afterSeq (expired, or all replayed): nothing more will come
    const nothingMore = async () => finished && (await this.events.lastSequence(runId)) <= afterSeq;
    await this.untilFinished(runId, afterSeq, onEvent, signal, nothingMore);
  }

  /**
   * Delivers the run's events after `afterSeq` to `onEvent` until workflow_finished, `signal`, or
   * `stopEarly()` says so; then nothing more is delivered and the subscription is gone, even when
   * the end came before the subscription was fully set up.
   */
  private async untilFinished(
    runId: string,
    afterSeq: number,
    onEvent: (e: RunEvent) => void,
    signal: AbortSignal,
    stopEarly?: () => Promise<boolean>,
  ): Promise<void> {
    let ended = false;
    let unsubscribe: Unsubscribe | undefined;
    const end = () => {
      ended = true;
      unsubscribe?.();
      unsubscribe = undefined;
    };
    const stop = AbortSignal.any([signal, this.shuttingDown.signal]);
    await new Promise<void>((resolve, reject) => {
      const finish = () => {
        end();
        resolve();
      };
      if (stop.aborted) return finish();
      stop.addEventListener('abort', finish, { once: true });
      this.events
        .subscribe(runId, afterSeq, (e) => {
          if (ended) return;
          onEvent(e);
          if (e.event === 'workflow_finished') finish();
        })
        .then(async (u) => {
          if (ended) return u();
          unsubscribe = u;
          if (stopEarly && (await stopEarly())) finish();
        })
        .catch((err: unknown) => {
          end();
          reject(err);
        });
    });
  }
}

/** The run an earlier request with this Idempotency-Key started, if this request is the same one; 409 if not. */
function sameRequest(earlier: RunRow, workflowId: string, inputs: Record<string, unknown>, key: string): RunRow {
  if (earlier.workflowId === workflowId && canonicalJson(earlier.inputs) === canonicalJson(inputs)) return earlier;
  throw new ApiError('conflict', `Idempotency-Key '${key}' was already used for a different request (another workflow or other inputs)`, {
    issues: [{ path: 'headers.idempotency-key', message: 'was used for a different request' }],
  });
}

/** JSON with object keys sorted, so equal values compare equal whatever order their keys came in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
