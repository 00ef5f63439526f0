// Closing the intents of calls whose process died: a call that opened an intent and has neither
// completed it nor sent a heartbeat within the bound is billed as estimated usage (the prompt as
// estimated before the call, the completion as far as it had streamed), status `interrupted`.
// The usage log closes each intent for exactly one reaper, however many run.
import { usageIntentSchema, type UsageEvent } from '@shoal/contracts';
import type { OpenIntent, UsageLog } from '@shoal/platform';

export interface ReapResult {
  reaped: number;
  /** intents that are not valid JSON intents: closed with no row (nothing to bill them to) */
  malformed: string[];
}

export async function reapStaleIntents(log: UsageLog, now: number, staleMs: number, limit: number): Promise<ReapResult> {
  const before = now - staleMs;
  const result: ReapResult = { reaped: 0, malformed: [] };
  for (const open of await log.stale(before, limit)) {
    const event = estimatedUsageOf(open);
    if (!event) {
      result.malformed.push(open.key);
      await log.complete(open.key, null);
      continue;
    }
    if (await log.reap(open.key, JSON.stringify(event), before)) result.reaped++;
  }
  return result;
}

/** The usage entry a dead call's intent stands for; billing prices it from its own catalog. */
export function estimatedUsageOf(open: OpenIntent): UsageEvent | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(open.intent);
  } catch {
    return undefined;
  }
  const parsed = usageIntentSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const { promptTokenEstimate, ...who } = parsed.data;
  return {
    ...who,
    promptTokens: promptTokenEstimate,
    completionTokens: Math.max(0, Math.floor(open.progress)),
    cachedPromptTokens: 0,
    reasoningTokens: 0,
    cost: null,
    status: 'interrupted',
    estimated: true,
    latencyMs: Math.max(0, Math.round(open.seenAt - Date.parse(who.startedAt))),
  };
}
