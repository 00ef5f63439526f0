// What model-pool hands billing for every provider attempt, through the usage log (a Redis stream
// in distributed mode): an intent before the provider is contacted, then the usage entry itself.
import { z } from 'zod';

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number as a string');
// what the ledger's numeric(24, 12) holds: an amount that does not fit would fail its whole batch
const amount = z.string().regex(/^\d{1,12}(\.\d{1,12})?$/, 'a non-negative decimal string of at most 12 digits before and after the point');
// what the ledger's integer columns hold, with room to add prompt and completion
const count = z.number().int().nonnegative().max(1_000_000_000);
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD');

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
