-- The ledger's key is the attempt it records, (call_id, attempt), already unique: it becomes the
-- primary key. The row id stays a column (the API names rows by it, unique by construction) without
-- an index of its own: one index fewer to write per ledger row.
ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_pkey";
ALTER TABLE "usage_records" ADD CONSTRAINT "usage_records_pkey" PRIMARY KEY USING INDEX "usage_records_call_id_attempt_key";
