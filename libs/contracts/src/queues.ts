// Queue names and each queue's job payload, as one name → payload map. Producers are typed by it
// (JobQueue.enqueue takes the queue's payload type), and the queue layer validates every job it
// delivers against the queue's schema, once, before any handler sees it: a payload from an older or
// newer producer fails loudly there instead of in each consumer.
import { z } from 'zod';

export const runJobSchema = z.object({
  runId: z.string().startsWith('run_'),
  traceparent: z.string().optional(),
});
export type RunJob = z.infer<typeof runJobSchema>;

/** Each queue's payload schema, by queue name. */
export const QUEUE_PAYLOADS = {
  'workflow-runs': runJobSchema,
} as const;

export type QueueName = keyof typeof QUEUE_PAYLOADS;
export type QueuePayload<Q extends QueueName> = z.infer<(typeof QUEUE_PAYLOADS)[Q]>;

export const QUEUES = {
  workflowRuns: 'workflow-runs',
} as const satisfies Record<string, QueueName>;

/** Retry defaults per queue: a job that fails is retried with exponential backoff. */
export const QUEUE_DEFAULTS: Record<QueueName, { attempts: number; backoffMs: number }> = {
  'workflow-runs': { attempts: 5, backoffMs: 1000 },
};
