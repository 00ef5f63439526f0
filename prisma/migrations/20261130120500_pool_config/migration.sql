-- Pool config as data: credentials sealed by SecretBox (nothing wrote the old columns), deployments and aliases managed through the admin API, and the version counter replicas reload on.
-- DropForeignKey
ALTER TABLE "model_deployments" DROP CONSTRAINT "model_deployments_credential_id_fkey";

-- DropForeignKey
ALTER TABLE "model_deployments" DROP CONSTRAINT "model_deployments_tenant_id_fkey";

-- AlterTable
ALTER TABLE "provider_credentials" DROP COLUMN "auth_tag",
DROP COLUMN "ciphertext",
DROP COLUMN "iv",
DROP COLUMN "key_version",
ADD COLUMN     "hint" TEXT NOT NULL,
ADD COLUMN     "key_id" TEXT NOT NULL,
ADD COLUMN     "sealed" TEXT NOT NULL,
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL;

-- DropTable
DROP TABLE "model_deployments";

-- CreateTable
CREATE TABLE "pool_deployments" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "alias" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "base_url" TEXT NOT NULL,
    "credential_id" TEXT NOT NULL,
    "upstream_model" TEXT NOT NULL,
    "weight" INTEGER NOT NULL DEFAULT 1,
    "rpm" INTEGER,
    "tpm" INTEGER,
    "max_concurrency" INTEGER,
    "price_override" JSONB,
    "timeout_ms" INTEGER,
    "drained" BOOLEAN NOT NULL DEFAULT false,
    "strict_tools_base_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pool_deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_aliases" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "name" TEXT NOT NULL,
    "strategy" TEXT NOT NULL DEFAULT 'weighted',
    "fallbacks" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "ttft_timeout_ms" INTEGER,
    "stall_timeout_ms" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "model_aliases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pool_config_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pool_config_version_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pool_deployments_tenant_id_idx" ON "pool_deployments"("tenant_id");

-- CreateIndex
CREATE INDEX "pool_deployments_credential_id_idx" ON "pool_deployments"("credential_id");

-- CreateIndex
CREATE INDEX "model_aliases_tenant_id_name_idx" ON "model_aliases"("tenant_id", "name");

-- AddForeignKey
ALTER TABLE "pool_deployments" ADD CONSTRAINT "pool_deployments_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pool_deployments" ADD CONSTRAINT "pool_deployments_credential_id_fkey" FOREIGN KEY ("credential_id") REFERENCES "provider_credentials"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- the single version row every config write bumps
INSERT INTO "pool_config_version" ("id", "version") VALUES (1, 0);
