// A finished run's end record: what the engine's end statement stored, published with the run's
// workflow_finished (RunEventStore.append's `endRecord`), so that a gateway waiting on a run it
// wrote builds the answer from the record and what it wrote instead of reading the row back.
// One shape, one version, one encoder and one decoder: the engine writes it, the gateway reads it,
// and a gateway older or newer than the engine that sent it falls back to reading the row.
import type { RunStatus } from './run-events';

/** This shape's version (`v`); a record of any other version is not decoded. */
export const RUN_END_RECORD_VERSION = 1;

/**
 * The workflow_runs columns a run's end changes (or may have: the gateway wrote the row), by
 * column name. `Time` is how times travel: `Date` as node-postgres reads them (the engine), ISO
 * strings in the JSON record (the gateway). The price is numeric text, never a float.
 */
export interface RunEndColumns<Time extends Date | string = string> {
  status: RunStatus;
  error: string | null;
  total_tokens: number;
  total_steps: number;
  total_price: string;
  currency: string;
  elapsed_ms: number | null;
  attempts: number;
  worker_id: string | null;
  cancel_requested_at: Time | null;
  started_at: Time | null;
  finished_at: Time;
  updated_at: Time;
}

/**
 * The record as JSON text. `outputsJson` is the outputs as Postgres printed the jsonb (so their
 * keys come in the order a read of the row gives), spliced in unparsed; times become ISO strings.
 */
export function encodeRunEndRecord(row: RunEndColumns<Date>, outputsJson: string | null): string {
  return `{"v":${RUN_END_RECORD_VERSION},"outputs":${outputsJson ?? 'null'},"row":${JSON.stringify(row)}}`;
}

/** A parsed end record, or undefined when `end` is not one of this version (the caller reads the row). */
export function decodeRunEndRecord(end: unknown): { outputs: Record<string, unknown> | null; row: RunEndColumns } | undefined {
  if (!end || typeof end !== 'object') return undefined;
  const { v, outputs, row } = end as { v?: unknown; outputs?: unknown; row?: Partial<Record<keyof RunEndColumns, unknown>> };
  if (v !== RUN_END_RECORD_VERSION || !row || typeof row !== 'object') return undefined;
  if (typeof row.finished_at !== 'string' || typeof row.updated_at !== 'string' || typeof row.total_price !== 'string') return undefined;
  if (typeof row.status !== 'string' || typeof row.total_tokens !== 'number' || typeof row.total_steps !== 'number') return undefined;
  if (outputs !== null && (typeof outputs !== 'object' || Array.isArray(outputs))) return undefined;
  return { outputs: outputs as Record<string, unknown> | null, row: row as RunEndColumns };
}
