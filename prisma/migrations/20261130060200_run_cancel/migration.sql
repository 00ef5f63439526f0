-- POST /v1/runs/{id}/cancel: a durable flag a worker sees even when it takes the run over later
ALTER TABLE "workflow_runs" ADD COLUMN "cancel_requested_at" TIMESTAMPTZ(3);
-- WORKFLOW_CALL_MAX_DEPTH: how deep a run is nested in the runs that called it
ALTER TABLE "workflow_runs" ADD COLUMN "call_depth" INTEGER NOT NULL DEFAULT 0;
