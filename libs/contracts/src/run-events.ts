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
}
export interface NodeFinishedData extends NodeStartedData {
  status: NodeStatus;
  outputs: Record<string, unknown> | null;
  error: string | null;
  elapsed_time: number; // seconds, as Dify reports it
  execution_metadata: { total_tokens?: number; total_price?: string; currency?: string } | null;
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

export type RunEventBody =
  | { event: 'workflow_started'; data: WorkflowStartedData }
  | { event: 'node_started'; data: NodeStartedData }
  | { event: 'text_chunk'; data: TextChunkData }
  | { event: 'node_finished'; data: NodeFinishedData }
  | { event: 'node_retry'; data: NodeRetryData }
  | { event: 'workflow_finished'; data: WorkflowFinishedData }
  | { event: 'ping'; data: Record<string, never> };

export type RunEventName = RunEventBody['event'];

/** An event as stored and delivered: the body plus its place in the run's stream. */
export type RunEvent = RunEventBody & {
  workflow_run_id: string;
  task_id: string; // Dify's name for the run id
  sequence: number;
  timestamp: number; // ms since epoch, UTC
};

export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'partial-succeeded', 'stopped']);
