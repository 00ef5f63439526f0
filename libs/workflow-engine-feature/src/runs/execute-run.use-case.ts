// One delivery of a run job: claim the run, resume from its checkpoints, execute, store the totals
// (its price is the sum of what model-pool priced each call at), and only then announce
// workflow_finished. The run never waits for billing: the ledger reconciles with it later.
import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import {
  CHAT_COMPLETIONS_PORT,
  applyStreamedText,
  workflowFinishedOf,
  type ChatCompletionsPort,
  type RunEventBody,
} from '@shoal/contracts';
import { parseWorkflowGraph, type WorkflowGraph } from '@shoal/workflow-dsl';
import { executeRun, memoryTurnsOf, type EventSink, type ToolFileLimits } from '@shoal/workflow-runtime';
import {
  LruCache,
  RUN_EVENT_STORE,
  RunEventsFencedError,
  createLogger,
  openWorkflowSecrets,
  type RunEventStore,
  type SecretBox,
  type CodeSettings,
  type FileStoreSettings,
  type WorkflowLimits,
} from '@shoal/platform';
import { ModelPoolLlmAdapter } from '../llm/model-pool.llm-adapter';
import { GuardedHttpFetcher, type OutboundHttpOptions } from '../http/guarded.http-fetcher';
import { RunStateRepository, type ClaimedRun, type FinishedRunRow } from './run-state.repository';
import { RunCancellations } from './run-cancellations';
import { ConversationTurnsRepository } from '../conversations/conversation-turns.repository';
import { ChatTurn } from '../conversations/chat-turn';
import type { RunDurabilityOptions } from './run-durability.options';
import { ModelPoolLostError } from './model-pool-lost.error';
import { LeaseLostError } from './lease-lost.error';
import { RunEventBatcher } from './run-event-batcher';
import { CodeSandboxHost } from '../code/code-sandbox.host';
import { RunFilesService, type DocumentLimits } from '../documents/run-files.service';
import { McpToolHost } from '../tools/mcp-tool.host';
import type { McpClientLimits } from '@shoal/outbound-http';

export const ENGINE_OPTIONS = Symbol('ENGINE_OPTIONS');
export interface EngineOptions {
  /** model-pool over HTTP (distributed); omitted when a ModelPoolModule in the same application serves CHAT_COMPLETIONS_PORT (standalone) */
  modelPoolUrl?: string;
  internalToken: string;
  concurrency: number;
  /** the same graph and input bounds the gateway checks (WORKFLOW_MAX_*, RUN_INPUT*_MAX_BYTES); the DSL's defaults when omitted */
  workflowLimits?: WorkflowLimits;
  /** opens workflows' sealed secret environment variables (SHOAL_SECRET_KEY, the gateway's key) */
  secrets?: SecretBox | null;
  /** takeover, outage and sweeper timings (distributed); DEFAULT_RUN_DURABILITY's when omitted */
  durability?: Partial<RunDurabilityOptions>;
  /** http-request nodes: the allowlist (SHOAL_HTTP_ALLOW) and limits; public addresses only and Dify's limits when omitted */
  outboundHttp?: OutboundHttpOptions;
  /** code nodes: the sandbox's limits (SHOAL_CODE_*) and Dify's output bounds (CODE_MAX_*); defaults when omitted */
  code?: CodeSettings;
  /** document-extractor nodes: bytes, pages, characters, time and workers (SHOAL_DOCUMENT_*); DEFAULT_DOCUMENT_LIMITS when omitted */
  documents?: Partial<DocumentLimits>;
  /** tool nodes' MCP calls: time, size and tool-count bounds (DEFAULT_MCP_CLIENT_LIMITS when omitted); addresses as outboundHttp */
  mcp?: Partial<McpClientLimits>;
  /** tool nodes: how many files one MCP result may hold, and their bytes together (MCP_MAX_FILES*); one file's bytes follow outboundHttp's maxBinaryBytes */
  toolFiles?: Partial<Pick<ToolFileLimits, 'maxFiles' | 'maxTotalBytes'>>;
  /** where file bytes are kept (SHOAL_FILE_STORE): the gateway's store; Postgres when omitted */
  fileStore?: FileStoreSettings;
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
    @Inject(ENGINE_OPTIONS) private readonly opts: EngineOptions,
    @Inject(ConversationTurnsRepository) private readonly turns: ConversationTurnsRepository,
    @Inject(RunCancellations) private readonly cancellations: RunCancellations,
    @Inject(CHAT_COMPLETIONS_PORT) private readonly chat: ChatCompletionsPort,
    @Inject(GuardedHttpFetcher) private readonly http: GuardedHttpFetcher,
    @Inject(CodeSandboxHost) private readonly code: CodeSandboxHost,
    @Inject(RunFilesService) private readonly runFiles: RunFilesService,
    @Inject(McpToolHost) private readonly tools: McpToolHost,
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
    // secret environment values are opened here, for this run only; they are masked in what it reports
    let environment: Record<string, string>;
    try {
      environment = openWorkflowSecrets(run.graph, run.tenantId, this.opts.secrets ?? null);
    } catch (err) {
      await this.runs.fail(runId, err instanceof Error ? err.message : 'The workflow secrets could not be opened');
      await this.announceIfUnannounced(runId);
      return;
    }
    // from here a worker that held the run before (frozen, then woken) can append no event either;
    // and a worker frozen since its own claim, woken after a later one, stops here
    try {
      await this.events.fence(runId, run.lease, run.attempts);
    } catch (err) {
      if (err instanceof RunEventsFencedError) throw new LeaseLostError(runId);
      throw err;
    }
    // checkpoints are written only under a lease, and every lease is a claim that counts an
    // attempt: a run on its first attempt has none to read
    const resumed = run.attempts > 1;
    const finished = resumed ? await this.runs.finishedNodes(run.tenantId, runId) : [];
    const startedAttempts = resumed ? await this.runs.startedAttempts(run.tenantId, runId) : undefined;
    if (finished.length) this.log.info({ runId, attempt: run.attempts, finished: finished.length }, 'resuming run from its checkpoints');

    // the run's end has one owner, this use case: workflow_finished is built once, from what finish()
    // stores, and appended only after the row holds it (whoever reacts to it reads the final totals).
    // The runtime's own announcement of the end is not passed on.
    // the run's events go out in order, those of one turn of the event loop in one write (run-event-batcher.ts)
    const runEvents = new RunEventBatcher((bodies) => this.appendFenced(runId, bodies, run.lease));
    const sink: EventSink = {
      emit: (body) => (body.event === 'workflow_finished' ? undefined : runEvents.emit(body)),
    };
    const chat = await this.chatTurnOf(run, graph);
    let hopBroken = false;
    const llm = new ModelPoolLlmAdapter(this.chat, {
      tenantId: run.tenantId,
      apiKeyId: run.apiKeyId,
      traceparent,
      outageRetryMs: this.opts.durability?.llmOutageRetryMs,
      onHopBroken: () => (hopBroken = true),
    });
    // a cancel that came before this claim (or before a crash) stops the run before any node runs
    const held = this.cancellations.hold(runId);
    if (run.cancelRequestedAt) this.cancellations.cancel(runId);
    const checkpoints = this.runs.checkpointsFor(run.tenantId, run.lease);
    const fileOwner = { tenantId: run.tenantId, workflowId: run.workflowId, apiKeyId: run.apiKeyId, endUser: run.endUser };
    const outcome = await executeRun({
      runId,
      workflowId: run.workflowId,
      workflowVersionId: run.workflowVersionId,
      graph,
      inputs: run.inputs,
      environment,
      inputLimits: this.opts.workflowLimits?.inputs,
      containerLimits: this.opts.workflowLimits?.containers,
      sys: { user_id: run.endUser ?? undefined, app_id: run.workflowId, files: run.files, ...chat?.sys },
      conversationVariables: chat?.variables,
      history: chat?.history,
      finished,
      startedAttempts,
      limits: this.opts.workflowLimits?.run,
      codeLimits: this.opts.code?.output,
      callDepth: run.callDepth,
      signal: held.signal,
      ports: {
        llm,
        http: this.http,
        code: this.code.sandbox,
        documents: this.runFiles.readerFor(fileOwner),
        fileStore: this.runFiles.storeFor(fileOwner),
        tools: this.tools.forTenant(run.tenantId),
        checkpoints,
        events: chat ? chat.sink(sink) : sink,
      },
      streamChunks: run.responseMode === 'streaming',
      streamedText: finished.length && run.responseMode === 'streaming' ? await this.streamedText(runId) : undefined,
      startedAt: run.createdAt.getTime(),
    }).finally(held.release);
    // every event of the run is written (or this worker has lost the run) before its end is stored
    await runEvents.drain();

    // model-pool died under a call: not the run's failure; it is resumed (the call runs again as its next attempt)
    if (outcome.status === 'failed' && hopBroken) throw new ModelPoolLostError(runId);
    // the turn is written before the run is finished, so a conversation's next run sees it
    await chat?.record(outcome);
    // deterministic nodes whose checkpoints were deferred are committed with the run's totals
    const { finishedAt, endRecord } = await this.runs.finish(
      run.tenantId,
      runId,
      run.lease,
      {
        status: outcome.status,
        outputs: outcome.outputs,
        error: outcome.error,
        totalTokens: outcome.totalTokens,
        totalSteps: outcome.steps,
        elapsedMs: outcome.elapsedMs,
        totalPrice: outcome.totalPrice,
        currency: outcome.currency ?? 'USD',
      },
      checkpoints.pending(),
    );
    // message_end goes out just before workflow_finished (Dify sends it just after), so that a stream that ends at workflow_finished has it
    if (chat && (outcome.status === 'succeeded' || outcome.status === 'partial-succeeded'))
      await this.events.append(
        runId,
        await chat.messageEnd(outcome, { total_price: outcome.totalPrice, currency: outcome.currency ?? 'USD' }),
      );
    await this.announce(
      {
        id: runId,
        tenantId: run.tenantId,
        workflowId: run.workflowId,
        status: outcome.status,
        outputs: outcome.outputs,
        error: outcome.error,
        totalTokens: outcome.totalTokens,
        totalSteps: outcome.steps,
        createdAt: run.createdAt,
        finishedAt,
      },
      endRecord,
    );
  }

  /**
   * Appends the run's workflow_finished, built from its stored facts, and records its sequence number.
   * `endRecord` (RunStateRepository.finish) goes with the announcement of the end, for whoever waits.
   */
  private async announce(run: FinishedRunRow, endRecord?: string): Promise<void> {
    const e = await this.events.append(run.id, workflowFinishedOf(run), undefined, endRecord);
    if (e && !this.events.recordsLastEventSeq) await this.runs.setLastEventSeq(run.id, e.sequence);
  }

  /** Events of the run this worker holds: refused once another worker has taken the run over. */
  private async appendFenced(runId: string, bodies: RunEventBody[], lease: string): Promise<void> {
    try {
      await this.events.appendAll(runId, bodies, lease);
    } catch (err) {
      if (err instanceof RunEventsFencedError) throw new LeaseLostError(runId);
      throw err;
    }
  }

  /**
   * A run that is already finished but whose workflow_finished was never appended (the worker died
   * between storing the totals and announcing them): announce it now, so nobody waits forever.
   */
  private async announceIfUnannounced(runId: string): Promise<void> {
    const run = await this.runs.unannouncedFinish(runId);
    if (run) await this.announce(run);
  }

  private async chatTurnOf(run: ClaimedRun, graph: WorkflowGraph): Promise<ChatTurn | null> {
    if (!run.conversationId || !run.messageId) return null;
    const { id, tenantId, conversationId, messageId, createdAt } = run;
    return ChatTurn.open(this.turns, { id, tenantId, conversationId, messageId, query: run.query ?? '', createdAt }, memoryTurnsOf(graph));
  }

  /** The text earlier attempts of the run streamed, as its clients hold it, so a resume sends only what changed. */
  private async streamedText(runId: string): Promise<string> {
    return (await this.events.read(runId)).reduce(applyStreamedText, '');
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
