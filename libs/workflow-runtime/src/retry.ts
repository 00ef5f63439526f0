// Dify's per-node retries: a failed attempt of a node whose retry_config is enabled is announced as
// node_retry, and run again after retry_interval ms with the next attempt number (and so a new LLM
// call id), up to max_retries times. Only what is left failing reaches the node's error_strategy.
import { RETRY_NODE_TYPES, type WorkflowNode } from '@shoal/workflow-dsl';
import { RunCancelledError, RunLimitError } from './runtime.errors';

export interface RetryPolicy {
  maxRetries: number;
  intervalMs: number;
}

/** Waits between attempts; aborting `signal` ends the wait at once with RunCancelledError. */
export interface Sleeper {
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const timerSleeper: Sleeper = {
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new RunCancelledError());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new RunCancelledError());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

/** The node's retry policy, or null when it does not retry (disabled, no retries, or a type Dify never retries). */
export function retryPolicyOf(node: WorkflowNode): RetryPolicy | null {
  const c = node.data.retry_config;
  if (!c || !c.retry_enabled || c.max_retries <= 0 || !RETRY_NODE_TYPES.has(node.data.type)) return null;
  return { maxRetries: c.max_retries, intervalMs: c.retry_interval };
}

export interface AttemptResult<R> {
  result: R | null;
  error: unknown;
}

export interface RetryLoop<R> {
  policy: RetryPolicy | null;
  /** The attempt number of the first try (above 0 when a resumed run continues a node's numbering). */
  firstAttempt: number;
  signal: AbortSignal;
  sleeper: Sleeper;
  /** One try; never rejects (failures come back as `error`). */
  attempt(attempt: number): Promise<AttemptResult<R>>;
  /** A try failed and will be retried: announce it (node_retry). `retryIndex` is 1 for the first retry. */
  onRetry(failed: AttemptResult<R>, attempt: number, retryIndex: number): Promise<void>;
  /** Before a retry starts (the attempt is recorded, counted as a step); may refuse by throwing. */
  beforeRetry(attempt: number): Promise<void>;
}

/**
 * Runs `attempt` until it succeeds, the policy's retries are used, or the run is cancelled (a
 * cancelled attempt is never retried). Resolves with the last try and its attempt number.
 */
export async function runWithRetries<R>(loop: RetryLoop<R>): Promise<AttemptResult<R> & { attempt: number }> {
  let attempt = loop.firstAttempt;
  let retries = 0;
  for (;;) {
    const tried = await loop.attempt(attempt);
    const { policy } = loop;
    const retryable =
      tried.error !== null &&
      policy !== null &&
      retries < policy.maxRetries &&
      !loop.signal.aborted &&
      !(tried.error instanceof RunCancelledError) &&
      !(tried.error instanceof RunLimitError);
    if (!retryable) return { result: tried.result, error: tried.error, attempt };
    retries++;
    await loop.onRetry(tried, attempt, retries);
    try {
      if (policy.intervalMs > 0) await loop.sleeper.sleep(policy.intervalMs, loop.signal);
      else if (loop.signal.aborted) throw new RunCancelledError();
      await loop.beforeRetry(attempt + 1);
    } catch (error) {
      // cancelled while waiting, or the retry was refused (a run limit): that is the node's outcome
      if (error instanceof RunCancelledError || error instanceof RunLimitError) return { result: null, error, attempt };
      throw error;
    }
    attempt++;
  }
}
