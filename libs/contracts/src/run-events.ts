// Run events, named and shaped as Dify names them so Dify clients work unchanged.
// Every event carries the run id, a per-run sequence number (1, 2, 3, ...) and a timestamp.

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'partial-succeeded' | 'stopped';
/**
 * How the database spells a run status: a Prisma enum value cannot hold a hyphen, so the column's
 * `partial-succeeded` is the identifier `partial_succeeded`. Map with the two functions below only.
 */
export type RunStatusColumn = 'queued' | 'running' | 'succeeded' | 'failed' | 'partial_succeeded' | 'stopped';

export function runStatusFromColumn(status: RunStatusColumn): RunStatus {
  return status === 'partial_succeeded' ? 'partial-succeeded' : status;
}

export function runStatusToColumn(status: RunStatus): RunStatusColumn {
  return status === 'partial-succeeded' ? 'partial_succeeded' : status;
}

export type NodeStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'exception';

export interface WorkflowStartedData {
  id: string;
  workflow_id: string;
  workflow_version_id: string;
  inputs: Record<string, unknown>;
  created_at: number;
}
export interface NodeStartedData {
  id: string;
  node_id: string;
  node_type: string;
  title: string;
  index: number;
  predecessor_node_id: string | null;
  inputs: Record<string, unknown> | null;
  created_at: number;
  /** Set on nodes inside an iteration / loop: the innermost container of each kind (Dify's fields). */
  iteration_id?: string | null;
  loop_id?: string | null;
}
export interface NodeFinishedData extends NodeStartedData {
  status: NodeStatus;
  outputs: Record<string, unknown> | null;
  error: string | null;
  elapsed_time: number; // seconds, as Dify reports it
  execution_metadata: {
    total_tokens?: number;
    total_price?: string;
    currency?: string;
    iteration_id?: string;
    iteration_index?: number;
    loop_id?: string;
    loop_index?: number;
  } | null;
  finished_at: number;
}
/** Dify's node_retry: the failed try of a node that will run again, shaped as node_finished. */
export interface NodeRetryData extends Omit<NodeFinishedData, 'status'> {
  status: 'retry';
  inputs: Record<string, unknown> | null;
  process_data: Record<string, unknown> | null;
  /** 1 for the first retry. */
  retry_index: number;
  /** The attempt number of the failed try (its LLM call id ends with it). */
  attempt: number;
}
export interface TextChunkData {
  text: string;
  from_variable_selector: [string, string];
}
/** Dify's text_replace: the whole text streamed so far, replacing what the client joined (see streamed-text.ts). */
export interface TextReplaceData {
  text: string;
}
export interface WorkflowFinishedData {
  id: string;
  workflow_id: string;
  status: RunStatus;
  outputs: Record<string, unknown> | null;
  error: string | null;
  elapsed_time: number; // seconds
  total_tokens: number;
  total_steps: number;
  created_at: number;
  finished_at: number;
}

/** iteration_started / loop_started (Dify's IterationNodeStartStreamResponse / LoopNodeStartStreamResponse data). */
export interface ContainerStartedData {
  id: string;
  node_id: string;
  node_type: string;
  title: string;
  created_at: number;
  extras: Record<string, unknown>;
  /** `{ iteration_length }` or `{ loop_length }`. */
  metadata: Record<string, unknown>;
  inputs: Record<string, unknown>;
}
/** iteration_next / loop_next: a round is about to run. */
export interface ContainerNextData {
  id: string;
  node_id: string;
  node_type: string;
  title: string;
  index: number;
  created_at: number;
  extras: Record<string, unknown>;
  /** loop_next only: the loop's outputs after the previous round. */
  pre_loop_output?: Record<string, unknown>;
}
/** iteration_completed / loop_completed. */
export interface ContainerCompletedData {
  id: string;
  node_id: string;
  node_type: string;
  title: string;
  outputs: Record<string, unknown> | null;
  created_at: number;
  extras: Record<string, unknown>;
  inputs: Record<string, unknown>;
  status: NodeStatus;
  error: string | null;
  elapsed_time: number; // seconds
  total_tokens: number;
  execution_metadata: Record<string, unknown> | null;
  finished_at: number;
  /** Rounds run. */
  steps: number;
}
/** Chatflow runs: a piece of the answer (Dify's `message` event; sent instead of text_chunk). */
export interface MessageData {
  /** the message id, as Dify repeats it */
  id: string;
  message_id: string;
  conversation_id: string;
  answer: string;
  from_variable_selector: [string, string];
  created_at: number;
}
/** Chatflow runs: the whole answer so far, replacing what the client joined (Dify's `message_replace`). */
export interface MessageReplaceData {
  id: string;
  message_id: string;
  conversation_id: string;
  answer: string;
  /** why the answer was replaced: `resumed` (the run was taken over after a crash and its text changed) */
  reason: string;
  created_at: number;
}
/** Dify's message usage: tokens, the price billing knew when the run ended, latency in seconds. */
export interface MessageUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  total_price: string;
  currency: string;
  latency: number;
}
/** Chatflow runs that finished: the message is complete (Dify's `message_end`). */
export interface MessageEndData {
  id: string;
  message_id: string;
  conversation_id: string;
  metadata: { usage: MessageUsage; retriever_resources: unknown[] };
  files: unknown[];
}

export type RunEventBody =
  | { event: 'workflow_started'; data: WorkflowStartedData }
  | { event: 'node_started'; data: NodeStartedData }
  | { event: 'text_chunk'; data: TextChunkData }
  | { event: 'text_replace'; data: TextReplaceData }
  | { event: 'node_finished'; data: NodeFinishedData }
  | { event: 'node_retry'; data: NodeRetryData }
  | { event: 'workflow_finished'; data: WorkflowFinishedData }
  | { event: 'ping'; data: Record<string, never> }
  | { event: 'iteration_started'; data: ContainerStartedData }
  | { event: 'iteration_next'; data: ContainerNextData }
  | { event: 'iteration_completed'; data: ContainerCompletedData }
  | { event: 'loop_started'; data: ContainerStartedData }
  | { event: 'loop_next'; data: ContainerNextData }
  | { event: 'loop_completed'; data: ContainerCompletedData }
  | { event: 'message'; data: MessageData }
  | { event: 'message_replace'; data: MessageReplaceData }
  | { event: 'message_end'; data: MessageEndData };

export type RunEventName = RunEventBody['event'];

/** An event as stored and delivered: the body plus its place in the run's stream. */
export type RunEvent = RunEventBody & {
  workflow_run_id: string;
  task_id: string; // Dify's name for the run id
  sequence: number;
  timestamp: number; // ms since epoch, UTC
};

export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'partial-succeeded', 'stopped']);
