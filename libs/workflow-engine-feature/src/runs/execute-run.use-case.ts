// One delivery of a run job: claim the run, resume from its checkpoints, execute, price it from
// the ledger, store the totals, and only then announce workflow_finished.
import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { CHAT_COMPLETIONS_PORT, type ChatCompletionsPort, type RunEventBody } from '@shoal/contracts';
import { parseWorkflowGraph, type WorkflowGraph } from '@shoal/workflow-dsl';
import { executeRun, type EventSink } from '@shoal/workflow-runtime';
import { LruCache, RUN_EVENT_STORE, createLogger, type RunEventStore, type WorkflowLimits } from '@shoal/platform';
import { BillingClient } from '../billing/billing.client';
import { ModelPoolLlmAdapter } from '../llm/model-pool.llm-adapter';
import { RunStateRepository, type FinishedRunRow } from './run-state.repository';

export const ENGINE_OPTIONS = Symbol('ENGINE_OPTIONS');
export interface EngineOptions {
  /** model-pool over HTTP (distributed); omitted when a ModelPoolModule in the same application serves CHAT_COMPLETIONS_PORT (standalone) */
  modelPoolUrl?: string;
  internalToken: string;
  concurrency: number;
  /** how long to wait for billing to have every call of a finished run in the ledger */
  costWaitMs: number;
  /** the same graph and input bounds the gateway checks (WORKFLOW_MAX_*, RUN_INPUT*_MAX_BYTES); the DSL's defaults when omitted */
  workflowLimits?: WorkflowLimits;
}

const GRAPH_CACHE_ENTRIES = 1000;
const GRAPH_CACHE_BYTES = 64 * 1024 * 1024;
const WORKER_ID = `${hostname()}:${process.pid}`;

@Injectable()
export class ExecuteRunUseCase {
  private readonly log = createLogger('ExecuteRunUseCase');
  // versions are immutable: parse each graph once per process, keeping the most recently used
  // (bounded by count and by the graphs' JSON size)
  private readonly graphs = new LruCache<string, { graph: WorkflowGraph; bytes: number }>({
    maxEntries: GRAPH_CACHE_ENTRIES,
    maxSize: GRAPH_CACHE_BYTES,
    sizeOf: (g) => g.bytes,
  });

  constructor(
    @Inject(RunStateRepository) private readonly runs: RunStateRepository,
    @Inject(RUN_EVENT_STORE) private readonly events: RunEventStore,
    @Inject(BillingClient) private readonly billing: BillingClient,
    @Inject(ENGINE_OPTIONS) private readonly opts: EngineOptions,
    @Inject(CHAT_COMPLETIONS_PORT) private readonly chat: ChatCompletionsPort,
  ) {}

  async execute(runId: string, traceparent?: string): Promise<void> {
    const run = await this.runs.claim(runId, WORKER_ID);
    if (!run) {
      await this.announceIfUnannounced(runId);
      return;
    }
    const graph = this.graphOf(run.workflowVersionId, run.graph);
    if (!graph) {
      await this.runs.fail(runId, 'The stored workflow version is not a valid graph');
      await this.announceIfUnannounced(runId);
      return;
    }
    const finished = await this.runs.finishedNodes(run.tenantId, runId);
    if (finished.length) this.log.info({ runId, attempt: run.attempts, finished: finished.length }, 'resuming run from its checkpoints');

    // workflow_finished waits until the run row holds the final totals, so whoever reacts to it reads them
    let finishedBody: RunEventBody | undefined;
    const sink: EventSink = {
      emit: async (body) => {
        if (body.event === 'workflow_finished') finishedBody = body;
        else await this.events.append(runId, body);
      },
    };
    const llm = new ModelPoolLlmAdapter(this.chat, {
      tenantId: run.tenantId,
      apiKeyId: run.apiKeyId,
      traceparent,
    });
    const outcome = await executeRun({
      runId,
      workflowId: run.workflowId,
      workflowVersionId: run.workflowVersionId,
      graph,
      inputs: run.inputs,
      inputLimits: this.opts.workflowLimits?.inputs,
      sys: { user_id: run.endUser ?? undefined, app_id: run.workflowId },
      finished,
      ports: { llm, checkpoints: this.runs.checkpointsFor(run.tenantId, run.lease), events: sink },
      streamChunks: run.responseMode === 'streaming',
      startedAt: run.createdAt.getTime(),
    });

    const callIds = await this.runs.callIds(run.tenantId, runId);
    const cost = callIds.length ? await this.costOf({ tenantId: run.tenantId, runId, traceparent }, callIds) : undefined;
    await this.runs.finish(run.tenantId, runId, run.lease, {
      status: outcome.status,
      outputs: outcome.outputs,
      error: outcome.error,
      totalTokens: outcome.totalTokens,
      totalSteps: outcome.steps,
      elapsedMs: outcome.elapsedMs,
      totalPrice: cost?.total_price ?? '0',
      currency: cost?.currency ?? 'USD',
    });
    if (finishedBody) {
      const e = await this.events.append(runId, finishedBody);
      if (e) await this.runs.setLastEventSeq(run.tenantId, runId, e.sequence);
    }
  }

  /**
   * The run's price from the ledger. Billing being down must not fail a run whose nodes all
   * succeeded: its price is then what the ledger had (possibly nothing), and the log says so.
   */
  private async costOf(run: { tenantId: string; runId: string; traceparent?: string }, callIds: string[]) {
    const { runId } = run;
    try {
      const cost = await this.billing.runCost(run, callIds, this.opts.costWaitMs);
      if (cost.missing.length)
        this.log.warn({ runId, missing: cost.missing }, 'billing has not recorded every call of the run yet; total_price is partial');
      return cost;
    } catch (err) {
      this.log.error({ err, runId }, 'billing unavailable: the run is stored without its price');
      return undefined;
    }
  }

  /**
   * A run that is already finished but whose workflow_finished was never appended (the worker died
   * between storing the totals and announcing them): announce it now, so nobody waits forever.
   */
  private async announceIfUnannounced(runId: string): Promise<void> {
    const run = await this.runs.unannouncedFinish(runId);
    if (!run) return;
    const e = await this.events.append(runId, finishedEventOf(run));
    if (e) await this.runs.setLastEventSeq(run.tenantId, runId, e.sequence);
  }

  unfinishedRunIds(): Promise<string[]> {
    return this.runs.unfinishedIds();
  }

  /** The job failed for good (every retry used): the run must not stay "running" forever. */
  async giveUp(runId: string, err: unknown): Promise<void> {
    // the details (possibly internal) stay in the log; the tenant sees what happened and where to look
    this.log.error({ err, runId }, 'giving up on run');
    const message = `The run could not be executed (an internal error that retries did not cure); the service logs have the details under run id ${runId}`;
    await this.runs.fail(runId, message);
    await this.announceIfUnannounced(runId);
  }

  private graphOf(versionId: string, stored: unknown): WorkflowGraph | undefined {
    const hit = this.graphs.get(versionId);
    if (hit) return hit.graph;
    const parsed = parseWorkflowGraph(stored, { limits: this.opts.workflowLimits?.graph });
    if (!parsed.ok) return undefined;
    this.graphs.set(versionId, { graph: parsed.graph, bytes: Buffer.byteLength(JSON.stringify(stored)) });
    return parsed.graph;
  }
}

function finishedEventOf(run: FinishedRunRow): RunEventBody {
  const finishedAt = run.finishedAt ?? new Date();
  return {
    event: 'workflow_finished',
    data: {
      id: run.id,
      workflow_id: run.workflowId,
      status: run.status,
      outputs: run.outputs,
      error: run.error,
      elapsed_time: (finishedAt.getTime() - run.createdAt.getTime()) / 1000,
      total_tokens: run.totalTokens,
      total_steps: run.totalSteps,
      created_at: Math.floor(run.createdAt.getTime() / 1000),
      finished_at: Math.floor(finishedAt.getTime() / 1000),
    },
  };
}
