-- Every provider attempt that produced tokens is one ledger row: (call_id, attempt) is the key.
ALTER TABLE "usage_records" ADD COLUMN "attempt" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "usage_records" ADD COLUMN "estimated" BOOLEAN NOT NULL DEFAULT false;
DROP INDEX "usage_records_call_id_key";
CREATE UNIQUE INDEX "usage_records_call_id_attempt_key" ON "usage_records"("call_id", "attempt");

-- The cost of a node's LLM call, priced by model-pool at the call site (the run total_price sums them).
ALTER TABLE "node_executions" ADD COLUMN "cost" DECIMAL(24,12) NOT NULL DEFAULT 0;
ALTER TABLE "node_executions" ADD COLUMN "currency" TEXT;
