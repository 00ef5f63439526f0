/** One ledger row as written: one provider attempt, priced. */
export interface LedgerRow {
  id: string;
  callId: string;
  attempt: number;
  tenantId: string;
  apiKeyId: string | null;
  runId: string | null;
  nodeId: string | null;
  deploymentId: string;
  provider: string;
  model: string;
  upstreamModel: string;
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens: number;
  reasoningTokens: number;
  inputCost: string;
  outputCost: string;
  totalCost: string;
  currency: string;
  status: string;
  estimated: boolean;
  stream: boolean;
  latencyMs: number;
  startedAt: Date;
}
