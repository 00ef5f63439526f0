// The ids of LLM calls. Model-pool numbers the provider attempts of one call id, and billing keeps
// one ledger row per (call id, attempt): a redelivered usage entry is dropped, so every call that
// may reach a provider anew needs an id of its own.

/** A node attempt's own call: each attempt of a node (a retry, a resume after a crash) has its own. */
export function llmCallId(runId: string, nodeId: string, attempt: number): string {
  return `${runId}:${nodeId}:${attempt}`;
}

/**
 * The n-th extra call of a node attempt (0: the attempt's own id): a structured-output repair, or
 * the engine sending a call to model-pool again after an answer whose attempts may have been metered.
 */
export function extraCallId(callId: string, n: number, what: string): string {
  return n === 0 ? callId : `${callId}:${what}-${n}`;
}
