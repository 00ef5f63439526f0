// The workflow_finished event, built from the facts the run's row stores, by whoever ends the run:
// the engine after storing a run's outcome (or for a run whose worker died between storing it and
// announcing it, or that was given up), the gateway for a run stopped while queued.
import type { RunEventBody, RunStatus } from './run-events';

/** The error a run stopped by a cancel ends with. */
export const RUN_STOPPED_MESSAGE = 'The run was stopped by a cancel request';

export interface FinishedRunFacts {
  id: string;
  workflowId: string;
  status: RunStatus;
  outputs: Record<string, unknown> | null;
  error: string | null;
  totalTokens: number;
  totalSteps: number;
  createdAt: Date;
  finishedAt: Date | null;
}

export function workflowFinishedOf(run: FinishedRunFacts): RunEventBody {
  const finishedAt = run.finishedAt ?? new Date();
  return {
    event: 'workflow_finished',
    data: {
      id: run.id,
      workflow_id: run.workflowId,
      status: run.status,
      // a run that ended with an error announces no outputs (its row may hold an empty object)
      outputs: run.error === null ? run.outputs : null,
      error: run.error,
      elapsed_time: (finishedAt.getTime() - run.createdAt.getTime()) / 1000,
      total_tokens: run.totalTokens,
      total_steps: run.totalSteps,
      created_at: Math.floor(run.createdAt.getTime() / 1000),
      finished_at: Math.floor(finishedAt.getTime() / 1000),
    },
  };
}
