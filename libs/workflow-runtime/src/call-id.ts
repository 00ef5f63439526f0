// The id of one LLM call: model-pool and billing dedupe on it, so a node rerun after a crash is billed once.

export function llmCallId(runId: string, nodeId: string, attempt: number): string {
  return `${runId}:${nodeId}:${attempt}`;
}
