// What model-pool hands billing for every provider attempt, through the usage log (a Redis stream
// in distributed mode): an intent before the provider is contacted, then the usage entry itself.
import { z } from 'zod';

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number as a string');
// what the ledger's numeric(24, 12) holds: an amount that does not fit would fail its whole batch
const AMOUNT = /^\d{1,12}(\.\d{1,12})?$/;
const amount = z.string().regex(AMOUNT, 'a non-negative decimal string of at most 12 digits before and after the point');
// what the ledger's integer columns hold, with room to add prompt and completion
const MAX_COUNT = 1_000_000_000;
const count = z.number().int().nonnegative().max(MAX_COUNT);
const CURRENCY = /^[A-Z]{3}$/;
const currency = z.string().regex(CURRENCY, 'an ISO 4217 code such as USD');
// the pattern z.iso.datetime({ offset: true }) checks, for the plain path below
const DATETIME = z.regexes.datetime({ offset: true });

/** A deployment-level price override, per million tokens; the catalog applies when absent. */
export const priceOverrideSchema = z.object({
  inputPerMillion: decimalString,
  outputPerMillion: decimalString,
  cachedInputPerMillion: decimalString.optional(),
  currency,
});

/** Who and what one provider attempt is for: the part an intent and its usage entry share. */
const attemptFields = {
  /** Shoal's own id for the call: stable across retries of one node attempt. */
  callId: z.string().min(1).max(200),
  /** model-pool's attempt within the call (failover makes several), from 1; (callId, attempt) is one ledger row */
  attempt: z.number().int().min(1).max(1000).default(1),
  tenantId: z.string().min(1).max(200),
  apiKeyId: z.string().max(200).nullable(),
  runId: z.string().max(200).nullable(),
  nodeId: z.string().max(200).nullable(),
  deploymentId: z.string().max(200),
  provider: z.string().max(100),
  model: z.string().max(200), // the public model name the caller asked for
  upstreamModel: z.string().max(200), // what the provider was asked for
  priceOverride: priceOverrideSchema.nullable().default(null),
  stream: z.boolean(),
  startedAt: z.iso.datetime({ offset: true }), // ISO 8601
  traceparent: z.string().max(200).optional(),
};

/** Written before the provider is contacted; a reaper closes one its process never completed. */
export const usageIntentSchema = z.object({
  ...attemptFields,
  /** the prompt's size in tokens, estimated (4 characters a token) */
  promptTokenEstimate: count,
});
export type UsageIntent = z.infer<typeof usageIntentSchema>;

/** What one attempt cost, priced by model-pool at the call site; input includes cached input. */
export const usageCostSchema = z.object({
  input: amount,
  output: amount,
  total: amount,
  currency,
});
export type UsageCost = z.infer<typeof usageCostSchema>;

export const usageEventSchema = z
  .object({
    ...attemptFields,
    promptTokens: count,
    completionTokens: count,
    cachedPromptTokens: count.default(0),
    reasoningTokens: count.default(0),
    /** null: not priced at the call site (an intent the reaper closed); billing prices it from its catalog */
    cost: usageCostSchema.nullable().default(null),
    status: z.enum(['succeeded', 'failed', 'interrupted']),
    /** the token counts are an estimate (the process making the call died before the provider reported usage) */
    estimated: z.boolean().default(false),
    latencyMs: count,
  })
  .refine((e) => e.cachedPromptTokens <= e.promptTokens, {
    path: ['cachedPromptTokens'],
    message: 'is part of promptTokens and cannot exceed it',
  })
  .refine((e) => e.reasoningTokens <= e.completionTokens, {
    path: ['reasoningTokens'],
    message: 'is part of completionTokens and cannot exceed it',
  });
export type UsageEvent = z.infer<typeof usageEventSchema>;

/**
 * A usage entry as `usageEventSchema.parse` gives it, when the value plainly satisfies the schema:
 * every field there with its type, no default to fill in and no price override (what model-pool
 * writes for every call). Otherwise undefined, and the schema decides, saying why. Billing reads
 * every entry; the schema's generic walk cost more than the rest of a ledger row's JavaScript. A
 * property test (usage.spec.ts) holds this to the schema.
 */
export function plainUsageEvent(v: unknown): UsageEvent | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const e = v as Record<string, unknown>;
  const cost = e.cost === null ? null : plainCost(e.cost);
  if (!(
    text(e.callId, 1, 200) &&
    isCount(e.attempt) &&
    (e.attempt as number) >= 1 &&
    (e.attempt as number) <= 1000 &&
    text(e.tenantId, 1, 200) &&
    (e.apiKeyId === null || text(e.apiKeyId, 0, 200)) &&
    (e.runId === null || text(e.runId, 0, 200)) &&
    (e.nodeId === null || text(e.nodeId, 0, 200)) &&
    text(e.deploymentId, 0, 200) &&
    text(e.provider, 0, 100) &&
    text(e.model, 0, 200) &&
    text(e.upstreamModel, 0, 200) &&
    e.priceOverride === null &&
    typeof e.stream === 'boolean' &&
    typeof e.startedAt === 'string' &&
    DATETIME.test(e.startedAt) &&
    (e.traceparent === undefined || text(e.traceparent, 0, 200)) &&
    isCount(e.promptTokens) &&
    isCount(e.completionTokens) &&
    isCount(e.cachedPromptTokens) &&
    isCount(e.reasoningTokens) &&
    (e.cachedPromptTokens as number) <= (e.promptTokens as number) &&
    (e.reasoningTokens as number) <= (e.completionTokens as number) &&
    cost !== undefined &&
    (e.status === 'succeeded' || e.status === 'failed' || e.status === 'interrupted') &&
    typeof e.estimated === 'boolean' &&
    isCount(e.latencyMs)
  ))
    return undefined;
  const event = {
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
    priceOverride: null,
    stream: e.stream,
    startedAt: e.startedAt,
    ...(e.traceparent === undefined ? {} : { traceparent: e.traceparent }),
    promptTokens: e.promptTokens,
    completionTokens: e.completionTokens,
    cachedPromptTokens: e.cachedPromptTokens,
    reasoningTokens: e.reasoningTokens,
    cost,
    status: e.status,
    estimated: e.estimated,
    latencyMs: e.latencyMs,
  };
  return event as UsageEvent;
}

const text = (s: unknown, min: number, max: number): boolean => typeof s === 'string' && s.length >= min && s.length <= max;
const isCount = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= MAX_COUNT;

function plainCost(c: unknown): UsageCost | undefined {
  if (typeof c !== 'object' || c === null) return undefined;
  const { input, output, total, currency: cur } = c as Record<string, unknown>;
  const ok =
    typeof input === 'string' &&
    AMOUNT.test(input) &&
    typeof output === 'string' &&
    AMOUNT.test(output) &&
    typeof total === 'string' &&
    AMOUNT.test(total) &&
    typeof cur === 'string' &&
    CURRENCY.test(cur);
  return ok ? { input, output, total, currency: cur } : undefined;
}

/** The ledger key of one provider attempt, also its key among open intents. */
export function usageKey(callId: string, attempt: number): string {
  return `${callId}#${attempt}`;
}

/**
 * Cost of a call, on a response model-pool gives to Shoal's own engine (a call made for a run):
 * the `shoal_cost` field of the chat completion, or of the final usage chunk of a stream. A
 * documented extension of the OpenAI shape; public clients calling through the gateway never get it.
 */
export const SHOAL_COST_FIELD = 'shoal_cost';
export interface ShoalCost {
  amount: string;
  currency: string;
}
