// The workflow_finished event of a run that ended without the runtime announcing it (stopped while
// queued, given up, or whose worker died between storing the totals and announcing them): built from
// the run row, by whichever service ends it.
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
      outputs: run.outputs,
      error: run.error,
      elapsed_time: (finishedAt.getTime() - run.createdAt.getTime()) / 1000,
      total_tokens: run.totalTokens,
      total_steps: run.totalSteps,
      created_at: Math.floor(run.createdAt.getTime() / 1000),
      finished_at: Math.floor(finishedAt.getTime() / 1000),
    },
  };
}
