// Test fixtures: usage events and intents as model-pool writes them (shared by this folder's specs).
import type { UsageEvent, UsageIntent } from '@shoal/contracts';

let seq = 0;

/** A usage event for a mock-chat call of 7 prompt and 6 completion tokens, priced at the call site. */
export function usageEvent(over: Partial<UsageEvent> = {}): UsageEvent {
  seq++;
  return {
    callId: `run_ledger:llm:${seq}`,
    attempt: 1,
    tenantId: 'ten_ledger',
    apiKeyId: 'key_ledger',
    runId: 'run_ledger',
    nodeId: 'llm',
    deploymentId: 'dep_mock',
    provider: 'mock',
    model: 'mock-chat',
    upstreamModel: 'mock-chat',
    priceOverride: null,
    stream: false,
    startedAt: '2026-03-01T12:00:00.000Z',
    promptTokens: 7,
    completionTokens: 6,
    cachedPromptTokens: 0,
    reasoningTokens: 0,
    cost: { input: '0.00000189', output: '0.0000066', total: '0.00000849', currency: 'USD' },
    status: 'succeeded',
    estimated: false,
    latencyMs: 42,
    ...over,
  };
}

export function usageIntent(over: Partial<UsageIntent> = {}): UsageIntent {
  seq++;
  return {
    callId: `run_dead:llm:${seq}`,
    attempt: 1,
    tenantId: 'ten_ledger',
    apiKeyId: null,
    runId: 'run_dead',
    nodeId: 'llm',
    deploymentId: 'dep_mock',
    provider: 'mock',
    model: 'mock-chat',
    upstreamModel: 'mock-chat',
    priceOverride: null,
    stream: true,
    startedAt: '2026-03-01T12:00:00.000Z',
    promptTokenEstimate: 1000,
    ...over,
  };
}

export function entry(id: string, data: unknown): { id: string; data: string } {
  return { id, data: typeof data === 'string' ? data : JSON.stringify(data) };
}
