// A batch of usage log entries turned into ledger rows: each entry validated, priced when the
// call site could not price it (an intent the reaper closed), and one row per (call id, attempt)
// however often the log delivered it. No I/O: the consumer reads, this builds, the repository writes.
import { newId, plainUsageEvent, usageEventSchema, usageKey, type UsageEvent } from '@shoal/contracts';
import { PricingError, callCost, type PriceCatalog } from '@shoal/pricing';
import type { UsageLogEntry } from '@shoal/platform';
import type { LedgerRow } from './ledger-row';

export interface UsageBatch {
  rows: LedgerRow[];
  /** entries that can never become a row (retrying cannot fix them): acknowledged and logged */
  rejected: Array<{ id: string; reason: string; data: string }>;
  /** entries priced at zero because no price was known for the model */
  unpriced: Array<{ callId: string; model: string }>;
  /** every entry id of the batch: acknowledged once the rows are committed */
  ids: string[];
}

export function buildUsageBatch(entries: ReadonlyArray<UsageLogEntry>, catalog: PriceCatalog): UsageBatch {
  const batch: UsageBatch = { rows: [], rejected: [], unpriced: [], ids: [] };
  const seen = new Set<string>();
  for (const entry of entries) {
    batch.ids.push(entry.id);
    let event: UsageEvent;
    try {
      const value: unknown = JSON.parse(entry.data);
      // what model-pool writes passes the plain check; anything else is the schema's to judge (and explain)
      const plain = plainUsageEvent(value);
      const parsed = plain ? { success: true as const, data: plain } : usageEventSchema.safeParse(value);
      if (!parsed.success) {
        const reason = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        batch.rejected.push({ id: entry.id, reason, data: entry.data });
        continue;
      }
      event = parsed.data;
    } catch {
      batch.rejected.push({ id: entry.id, reason: 'not JSON', data: entry.data });
      continue;
    }
    const key = usageKey(event.callId, event.attempt);
    if (seen.has(key)) continue; // the same attempt twice in one batch: the first one counts, as in the ledger
    try {
      const startedAt = new Date(event.startedAt);
      let cost = event.cost;
      if (!cost) {
        const priced = callCost(catalog, {
          model: event.model,
          upstreamModel: event.upstreamModel,
          startedAt,
          usage: event,
          priceOverride: event.priceOverride,
        });
        if (!priced.priced) batch.unpriced.push({ callId: event.callId, model: event.model });
        cost = priced;
      }
      batch.rows.push(rowOf(event, cost, startedAt));
      seen.add(key);
    } catch (err) {
      if (!(err instanceof PricingError)) throw err;
      batch.rejected.push({ id: entry.id, reason: `cannot be priced: ${err.message}`, data: entry.data });
    }
  }
  return batch;
}

function rowOf(e: UsageEvent, cost: NonNullable<UsageEvent['cost']>, startedAt: Date): LedgerRow {
  return {
    id: newId('use'),
    callId: e.callId,
    attempt: e.attempt,
    tenantId: e.tenantId,
    apiKeyId: e.apiKeyId,
    runId: e.runId,
    nodeId: e.nodeId,
    deploymentId: e.deploymentId,
    provider: e.provider,
    model: e.model,
    upstreamModel: e.upstreamModel,
    promptTokens: e.promptTokens,
    completionTokens: e.completionTokens,
    cachedPromptTokens: e.cachedPromptTokens,
    reasoningTokens: e.reasoningTokens,
    inputCost: cost.input,
    outputCost: cost.output,
    totalCost: cost.total,
    currency: cost.currency,
    status: e.status,
    estimated: e.estimated,
    stream: e.stream,
    latencyMs: e.latencyMs,
    startedAt,
  };
}
