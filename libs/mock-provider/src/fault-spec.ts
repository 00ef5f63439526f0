// Fault injection switches of the mock provider, and how a request picks the fault it gets.
import { z } from 'zod';

export interface FaultSpec {
  /** Answer with this HTTP status (400-599) and an OpenAI-shaped error body. */
  status?: number;
  /** Seconds; sent as the Retry-After header. */
  retryAfter?: number;
  /** Replaces the generated error body; implies status 500 when `status` is absent. */
  errorBody?: object;
  /** Wait this long before responding at all (no headers until then). */
  latencyMs?: number;
  /** Streaming: send the headers, then wait this long before the first chunk. */
  stallBeforeFirstTokenMs?: number;
  /** Streaming: wait this long between chunks. */
  interChunkDelayMs?: number;
  /** Streaming: destroy the socket after N content chunks (0 = right after the role chunk). */
  cutAfterChunks?: number;
  /** Streaming: content chunk N (1-based) is sent as a data line that is not valid JSON. */
  malformedChunkAt?: number;
  /**
   * Answer with blank content (DeepSeek's JSON mode does so now and then); usage still counts the
   * prompt. `true`: empty content; a string of whitespace (`"\n\n"`): that content (one stream delta).
   */
  blankAnswer?: boolean | string;
  /**
   * Lines sent while the request "waits in the queue", before the answer, as DeepSeek sends them:
   * on a stream `: keep-alive` SSE comments alternating with blank lines, empty lines before a JSON body.
   */
  keepAliveLines?: number;
  /** The wait before each keep-alive line (default 50 ms). */
  keepAliveIntervalMs?: number;
  /** Streaming: after N content chunks, send nothing for `stallMs` (then carry on), with the socket open. */
  stallAfterChunks?: number;
  /** Streaming: how long the stall of `stallAfterChunks` lasts (default: 10 minutes). */
  stallMs?: number;
  /** Server-level faults only: apply to this share of matching requests (evenly spread: 0.5 → every other one), the rest answered normally. */
  share?: number;
  /** Server-level faults only: apply to the next N matching requests, then clear. */
  times?: number;
  /** Apply only to requests for these models. */
  onlyModels?: string[];
}

const ms = z.number().int().nonnegative();

export const faultSpecSchema = z.strictObject({
  status: z.number().int().min(400).max(599).optional(),
  retryAfter: z.number().nonnegative().optional(),
  errorBody: z.record(z.string(), z.unknown()).optional(),
  latencyMs: ms.optional(),
  stallBeforeFirstTokenMs: ms.optional(),
  interChunkDelayMs: ms.optional(),
  cutAfterChunks: z.number().int().nonnegative().optional(),
  malformedChunkAt: z.number().int().positive().optional(),
  blankAnswer: z.union([z.boolean(), z.string().max(1000).regex(/^\s*$/, 'a blank answer is whitespace only')]).optional(),
  keepAliveLines: z.number().int().nonnegative().max(10_000).optional(),
  keepAliveIntervalMs: ms.optional(),
  stallAfterChunks: z.number().int().nonnegative().optional(),
  stallMs: ms.optional(),
  share: z.number().gt(0).max(1).optional(),
  times: z.number().int().positive().optional(),
  onlyModels: z.array(z.string()).optional(),
}) satisfies z.ZodType<FaultSpec>;

/** The per-request fault header: JSON of a FaultSpec. */
export const FAULT_HEADER = 'x-mock-fault';

/** Validates a FaultSpec, naming the bad field; throws a plain Error (it is a programming mistake). */
export function validateFaultSpec(spec: unknown, where: string): FaultSpec {
  const parsed = faultSpecSchema.safeParse(spec);
  if (!parsed.success) throw new Error(`${where}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Parses the `x-mock-fault` header value; a string result is the reason it is invalid. */
export function parseFaultHeader(value: string): FaultSpec | string {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return `${FAULT_HEADER} header is not valid JSON`;
  }
  const parsed = faultSpecSchema.safeParse(json);
  return parsed.success ? parsed.data : `${FAULT_HEADER} header: ${describeIssues(parsed.error)}`;
}

export function faultApplies(spec: FaultSpec, model: string): boolean {
  return !spec.onlyModels || spec.onlyModels.includes(model);
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
