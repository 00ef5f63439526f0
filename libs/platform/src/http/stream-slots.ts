import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '../errors/api-error';

export interface StreamLimits {
  maxPerKey: number;
  maxPerRun: number;
}
export const STREAM_LIMITS = Symbol('STREAM_LIMITS');
/** SSE_MAX_STREAMS_PER_KEY and SSE_MAX_STREAMS_PER_RUN's defaults. */
export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxPerKey: 100, maxPerRun: 20 };

/**
 * Counts the event streams open in this process, per API key and per run, and refuses one more
 * beyond the limits (429, in the style of the route). Per process: with several replicas each counts
 * its own, which bounds what one replica holds open, the resource at stake. The gateway counts run
 * event streams and streamed chat completions; model-pool its public streamed chat completions.
 */
@Injectable()
export class StreamSlots {
  private readonly perKey = new Map<string, number>();
  private readonly perRun = new Map<string, number>();

  constructor(@Inject(STREAM_LIMITS) private readonly limits: StreamLimits) {}

  /** streams open for `apiKeyId` */
  openForKey(apiKeyId: string): number {
    return this.perKey.get(apiKeyId) ?? 0;
  }

  /** Takes a slot for a stream of `apiKeyId` (on `runId`, when it follows a run); call the result once the stream ends. */
  acquire(apiKeyId: string, runId: string | null): () => void {
    if ((this.perKey.get(apiKeyId) ?? 0) >= this.limits.maxPerKey) {
      throw new ApiError(
        'rate_limited',
        `Too many open event streams for this API key (at most ${this.limits.maxPerKey}); close one and retry`,
        { retryAfterSeconds: 1 },
      );
    }
    if (runId && (this.perRun.get(runId) ?? 0) >= this.limits.maxPerRun) {
      throw new ApiError(
        'rate_limited',
        `Too many open event streams for run '${runId}' (at most ${this.limits.maxPerRun}); close one and retry`,
        { retryAfterSeconds: 1 },
      );
    }
    inc(this.perKey, apiKeyId, 1);
    if (runId) inc(this.perRun, runId, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inc(this.perKey, apiKeyId, -1);
      if (runId) inc(this.perRun, runId, -1);
    };
  }
}

function inc(m: Map<string, number>, k: string, by: number): void {
  const n = (m.get(k) ?? 0) + by;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
}
