// One delivery of a run job: claim the run, resume from its checkpoints, execute, price it from
// the ledger, store the totals, and only then announce workflow_finished.
import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import type { RunEventBody } from '@shoal/contracts';
import { parseWorkflowGraph, type WorkflowGraph } from '@shoal/workflow-dsl';
import { executeRun, memoryTurnsOf, type EventSink } from '@shoal/workflow-runtime';
import { LruCache, RUN_EVENT_STORE, createLogger, type RunEventStore, type WorkflowLimits } from '@shoal/platform';
import { BillingClient } from '../billing/billing.client';
import { ModelPoolLlmAdapter } from '../llm/model-pool.llm-adapter';
import { RunStateRepository, type ClaimedRun, type FinishedRunRow } from './run-state.repository';
import { ConversationTurnsRepository } from '../conversations/conversation-turns.repository';
import { ChatTurn } from '../conversations/chat-turn';

export const ENGINE_OPTIONS = Symbol('ENGINE_OPTIONS');
export interface EngineOptions {
  modelPoolUrl: string;
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
    @Inject(ConversationTurnsRepository) private readonly turns: ConversationTurnsRepository,
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
    const chat = await this.chatTurnOf(run, graph);
    const llm = new ModelPoolLlmAdapter(this.opts.modelPoolUrl, this.opts.internalToken, {
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
      containerLimits: this.opts.workflowLimits?.containers,
      sys: { user_id: run.endUser ?? undefined, app_id: run.workflowId, ...chat?.sys },
      conversationVariables: chat?.variables,
      history: chat?.history,
      finished,
      ports: { llm, checkpoints: this.runs.checkpointsFor(run.tenantId, run.lease), events: chat ? chat.sink(sink) : sink },
      streamChunks: run.responseMode === 'streaming',
      streamedText: finished.length && run.responseMode === 'streaming' ? await this.streamedText(runId) : undefined,
      startedAt: run.createdAt.getTime(),
    });

    // the turn is written before the run is finished, so a conversation's next run sees it
    await chat?.record(outcome);
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
      // message_end goes out just before workflow_finished (Dify sends it just after), so that a stream that ends at workflow_finished has it
      if (chat && (outcome.status === 'succeeded' || outcome.status === 'partial-succeeded'))
        await this.events.append(
          runId,
          await chat.messageEnd(outcome, { total_price: cost?.total_price ?? '0', currency: cost?.currency ?? 'USD' }),
        );
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

  private async chatTurnOf(run: ClaimedRun, graph: WorkflowGraph): Promise<ChatTurn | null> {
    if (!run.conversationId || !run.messageId) return null;
    const { id, tenantId, conversationId, messageId, createdAt } = run;
    return ChatTurn.open(this.turns, { id, tenantId, conversationId, messageId, query: run.query ?? '', createdAt }, memoryTurnsOf(graph));
  }

  /** The text an earlier attempt of the run streamed (text_chunk or message events), so a resume does not send it again. */
  private async streamedText(runId: string): Promise<string> {
    let text = '';
    for (const e of await this.events.read(runId)) {
      if (e.event === 'text_chunk') text += e.data.text;
      else if (e.event === 'message') text += e.data.answer;
    }
    return text;
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
