-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "run_status" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'partial-succeeded', 'stopped');

-- CreateEnum
CREATE TYPE "node_status" AS ENUM ('running', 'succeeded', 'failed', 'skipped', 'exception');

-- CreateEnum
CREATE TYPE "budget_scope" AS ENUM ('tenant', 'api_key', 'workflow');

-- CreateEnum
CREATE TYPE "budget_period" AS ENUM ('day', 'month', 'total');

-- CreateTable
CREATE TABLE "tenants" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "workflow_id" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "rate_limit_rpm" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workflows" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "latest_version_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "workflows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workflow_versions" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "graph" JSONB NOT NULL,
    "checksum" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'shoal',
    "dsl_version" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workflow_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workflow_runs" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "workflow_version_id" TEXT NOT NULL,
    "api_key_id" TEXT,
    "status" "run_status" NOT NULL DEFAULT 'queued',
    "response_mode" TEXT NOT NULL DEFAULT 'blocking',
    "inputs" JSONB NOT NULL,
    "outputs" JSONB,
    "error" TEXT,
    "end_user" TEXT,
    "total_tokens" INTEGER NOT NULL DEFAULT 0,
    "total_steps" INTEGER NOT NULL DEFAULT 0,
    "total_price" DECIMAL(24,12) NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "elapsed_ms" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "worker_id" TEXT,
    "trace_id" TEXT,
    "idempotency_key" TEXT,
    "last_event_seq" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workflow_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "node_executions" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "node_id" TEXT NOT NULL,
    "execution_key" TEXT NOT NULL,
    "node_type" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "index" INTEGER NOT NULL,
    "predecessor_node_id" TEXT,
    "iteration_index" INTEGER,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "call_id" TEXT,
    "status" "node_status" NOT NULL,
    "inputs" JSONB,
    "process_data" JSONB,
    "outputs" JSONB,
    "error" TEXT,
    "prompt_tokens" INTEGER NOT NULL DEFAULT 0,
    "completion_tokens" INTEGER NOT NULL DEFAULT 0,
    "total_tokens" INTEGER NOT NULL DEFAULT 0,
    "elapsed_ms" INTEGER,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "node_executions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_credentials" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "provider" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "iv" BYTEA NOT NULL,
    "auth_tag" BYTEA NOT NULL,
    "key_version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotated_at" TIMESTAMPTZ(3),

    CONSTRAINT "provider_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_deployments" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "model" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "upstream_model" TEXT NOT NULL,
    "base_url" TEXT,
    "credential_id" TEXT,
    "weight" INTEGER NOT NULL DEFAULT 1,
    "rpm" INTEGER,
    "tpm" INTEGER,
    "price_override" JSONB,
    "fallbacks" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "model_deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_records" (
    "id" TEXT NOT NULL,
    "call_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "api_key_id" TEXT,
    "run_id" TEXT,
    "node_id" TEXT,
    "deployment_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "upstream_model" TEXT NOT NULL,
    "prompt_tokens" INTEGER NOT NULL,
    "completion_tokens" INTEGER NOT NULL,
    "cached_prompt_tokens" INTEGER NOT NULL DEFAULT 0,
    "reasoning_tokens" INTEGER NOT NULL DEFAULT 0,
    "total_tokens" INTEGER NOT NULL,
    "input_cost" DECIMAL(24,12) NOT NULL,
    "output_cost" DECIMAL(24,12) NOT NULL,
    "total_cost" DECIMAL(24,12) NOT NULL,
    "currency" TEXT NOT NULL,
    "price_id" TEXT,
    "status" TEXT NOT NULL,
    "stream" BOOLEAN NOT NULL,
    "latency_ms" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_daily_rollups" (
    "tenant_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "model" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "prompt_tokens" BIGINT NOT NULL DEFAULT 0,
    "completion_tokens" BIGINT NOT NULL DEFAULT 0,
    "total_cost" DECIMAL(24,12) NOT NULL DEFAULT 0,

    CONSTRAINT "usage_daily_rollups_pkey" PRIMARY KEY ("tenant_id","day","model","currency")
);

-- CreateTable
CREATE TABLE "prices" (
    "id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "provider" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "input_per_million" DECIMAL(24,12) NOT NULL,
    "cached_input_per_million" DECIMAL(24,12),
    "output_per_million" DECIMAL(24,12) NOT NULL,
    "reasoning_per_million" DECIMAL(24,12),
    "windows" JSONB,
    "effective_from" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "prices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "budgets" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "scope" "budget_scope" NOT NULL,
    "scope_id" TEXT,
    "period" "budget_period" NOT NULL,
    "limit" DECIMAL(24,12) NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "hard" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "budgets_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys"("hash");

-- CreateIndex
CREATE INDEX "api_keys_tenant_id_idx" ON "api_keys"("tenant_id");

-- CreateIndex
CREATE INDEX "workflows_tenant_id_created_at_idx" ON "workflows"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "workflow_versions_tenant_id_idx" ON "workflow_versions"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "workflow_versions_workflow_id_number_key" ON "workflow_versions"("workflow_id", "number");

-- CreateIndex
CREATE INDEX "workflow_runs_tenant_id_created_at_idx" ON "workflow_runs"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "workflow_runs_workflow_id_created_at_idx" ON "workflow_runs"("workflow_id", "created_at");

-- CreateIndex
CREATE INDEX "workflow_runs_status_idx" ON "workflow_runs"("status");

-- CreateIndex
CREATE UNIQUE INDEX "workflow_runs_tenant_id_idempotency_key_key" ON "workflow_runs"("tenant_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "node_executions_tenant_id_idx" ON "node_executions"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "node_executions_run_id_execution_key_key" ON "node_executions"("run_id", "execution_key");

-- CreateIndex
CREATE INDEX "provider_credentials_tenant_id_idx" ON "provider_credentials"("tenant_id");

-- CreateIndex
CREATE INDEX "model_deployments_model_idx" ON "model_deployments"("model");

-- CreateIndex
CREATE UNIQUE INDEX "usage_records_call_id_key" ON "usage_records"("call_id");

-- CreateIndex
CREATE INDEX "usage_records_tenant_id_recorded_at_idx" ON "usage_records"("tenant_id", "recorded_at");

-- CreateIndex
CREATE INDEX "usage_records_run_id_idx" ON "usage_records"("run_id");

-- CreateIndex
CREATE INDEX "usage_records_api_key_id_recorded_at_idx" ON "usage_records"("api_key_id", "recorded_at");

-- CreateIndex
CREATE UNIQUE INDEX "prices_model_effective_from_key" ON "prices"("model", "effective_from");

-- CreateIndex
CREATE UNIQUE INDEX "budgets_tenant_id_scope_scope_id_period_key" ON "budgets"("tenant_id", "scope", "scope_id", "period");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflows" ADD CONSTRAINT "workflows_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_versions" ADD CONSTRAINT "workflow_versions_workflow_id_fkey" FOREIGN KEY ("workflow_id") REFERENCES "workflows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_runs" ADD CONSTRAINT "workflow_runs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_runs" ADD CONSTRAINT "workflow_runs_workflow_id_fkey" FOREIGN KEY ("workflow_id") REFERENCES "workflows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_runs" ADD CONSTRAINT "workflow_runs_workflow_version_id_fkey" FOREIGN KEY ("workflow_version_id") REFERENCES "workflow_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "node_executions" ADD CONSTRAINT "node_executions_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "workflow_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_credentials" ADD CONSTRAINT "provider_credentials_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_deployments" ADD CONSTRAINT "model_deployments_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_deployments" ADD CONSTRAINT "model_deployments_credential_id_fkey" FOREIGN KEY ("credential_id") REFERENCES "provider_credentials"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;


