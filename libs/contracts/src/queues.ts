// Queue names, job payloads and their validation. Producers and consumers share these;
// consumers validate on receipt (a payload from an older or newer producer must fail loudly).
import { z } from 'zod';

export const QUEUES = {
  workflowRuns: 'workflow-runs',
  usageEvents: 'usage-events',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const runJobSchema = z.object({
  runId: z.string().startsWith('run_'),
  traceparent: z.string().optional(),
});
export type RunJob = z.infer<typeof runJobSchema>;

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number as a string');

export const usageEventSchema = z
  .object({
    /** Shoal's own id for the call: stable across retries of one node attempt, unique per ledger row. */
    callId: z.string().min(1).max(200),
    tenantId: z.string().min(1),
    apiKeyId: z.string().nullable(),
    runId: z.string().nullable(),
    nodeId: z.string().nullable(),
    deploymentId: z.string(),
    provider: z.string(),
    model: z.string(), // the public model name the caller asked for
    upstreamModel: z.string(), // what the provider was asked for
    promptTokens: z.number().int().nonnegative(),
    completionTokens: z.number().int().nonnegative(),
    cachedPromptTokens: z.number().int().nonnegative().default(0),
    reasoningTokens: z.number().int().nonnegative().default(0),
    /** A deployment-level price override, per million tokens; the catalog applies when absent. */
    priceOverride: z
      .object({
        inputPerMillion: decimalString,
        outputPerMillion: decimalString,
        cachedInputPerMillion: decimalString.optional(),
        currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
      })
      .nullable()
      .default(null),
    status: z.enum(['succeeded', 'failed', 'interrupted']),
    stream: z.boolean(),
    latencyMs: z.number().int().nonnegative(),
    startedAt: z.iso.datetime({ offset: true }), // ISO 8601
    traceparent: z.string().optional(),
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

/** Retry defaults per queue: a job that fails is retried with exponential backoff. */
export const QUEUE_DEFAULTS: Record<QueueName, { attempts: number; backoffMs: number }> = {
  'workflow-runs': { attempts: 5, backoffMs: 1000 },
  'usage-events': { attempts: 20, backoffMs: 500 },
};
