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

/** Retry defaults per queue: a job that fails is retried with exponential backoff. */
export const QUEUE_DEFAULTS: Record<QueueName, { attempts: number; backoffMs: number }> = {
  'workflow-runs': { attempts: 5, backoffMs: 1000 },
  'usage-events': { attempts: 20, backoffMs: 500 },
};
