-- CreateTable
CREATE TABLE "run_events" (
    "run_id" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "data" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_events_pkey" PRIMARY KEY ("run_id","sequence")
);

-- CreateIndex
CREATE INDEX "run_events_created_at_idx" ON "run_events"("created_at");


