-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "rate_limit_tpm" INTEGER;

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "rate_limit_rpm" INTEGER,
ADD COLUMN     "rate_limit_tpm" INTEGER;

-- The key a fresh install bootstrapped administers its tenant and, from now on, may create tenants.
UPDATE "api_keys" SET "scopes" = array_append("scopes", 'platform:admin')
WHERE "name" = 'bootstrap admin key' AND NOT ('platform:admin' = ANY ("scopes"));
