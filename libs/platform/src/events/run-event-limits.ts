// What a run's event log may hold. Large fields of an event are truncated before it is stored, and
// a run's log stops growing at a byte cap (workflow_finished is always stored, so followers end).
import type { RunEventBody } from '@shoal/contracts';

export interface RunEventLimits {
  /** bytes of stored events per run; past it, events other than workflow_finished are dropped */
  maxBytesPerRun: number;
  /** a string in an event longer than this (UTF-8 bytes) keeps its prefix and a marker; an object or array whose JSON is longer becomes a marker object */
  fieldMaxBytes: number;
  /** seconds a finished run's events are kept */
  finishedTtlSeconds: number;
}

export const DEFAULT_RUN_EVENT_LIMITS: RunEventLimits = {
  maxBytesPerRun: 16 * 1024 * 1024,
  fieldMaxBytes: 64 * 1024,
  finishedTtlSeconds: 3600,
};

/** The marker that ends a truncated string: `…[truncated N bytes]`, N the UTF-8 bytes cut off. */
export const truncatedSuffix = (bytes: number): string => `…[truncated ${bytes} bytes]`;

/** What replaces an object or array too large to keep: its JSON size in bytes. */
export interface TruncatedValue {
  __truncated: true;
  bytes: number;
}

function truncateString(s: string, max: number): string {
  const bytes = Buffer.byteLength(s);
  if (bytes <= max) return s;
  // cut at a character boundary: decoding a byte prefix drops a split trailing character as U+FFFD
  let prefix = Buffer.from(s).subarray(0, max).toString('utf8');
  if (prefix.endsWith('\uFFFD')) prefix = prefix.slice(0, -1);
  return prefix + truncatedSuffix(bytes - Buffer.byteLength(prefix));
}

function bound(value: unknown, max: number): unknown {
  if (typeof value === 'string') return truncateString(value, max);
  if (value === null || typeof value !== 'object') return value;
  const inner = Array.isArray(value)
    ? value.map((v) => bound(v, max))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bound(v, max)]));
  const bytes = Buffer.byteLength(JSON.stringify(inner));
  return bytes > max ? ({ __truncated: true, bytes } satisfies TruncatedValue) : inner;
}

/** The event with every field of its `data` bounded by `fieldMaxBytes`; `data`'s own keys stay. */
export function boundRunEvent(body: RunEventBody, fieldMaxBytes: number): RunEventBody {
  // a replace carries the client's whole text: cut, it would leave every client with a wrong answer
  // (the run's byte cap still bounds it)
  if (body.event === 'text_replace' || body.event === 'message_replace') return body;
  const data = Object.fromEntries(Object.entries(body.data).map(([k, v]) => [k, bound(v, fieldMaxBytes)]));
  return { ...body, data } as RunEventBody;
}

/**
 * boundRunEvent's event and its JSON. An event whose whole JSON fits in `fieldMaxBytes` comes back
 * as it is, unwalked: JSON keeps each string's UTF-8 bytes (adding quotes and escapes), so none of
 * its fields can be longer than the whole.
 */
export function boundRunEventJson(body: RunEventBody, fieldMaxBytes: number): { body: RunEventBody; json: string } {
  const json = JSON.stringify(body);
  if (Buffer.byteLength(json) <= fieldMaxBytes) return { body, json };
  const bounded = boundRunEvent(body, fieldMaxBytes);
  return { body: bounded, json: JSON.stringify(bounded) };
}
