// What the pool config tables hold, as plain records (no Prisma types escape the repositories).

/** null: platform-shared (defined by a platform admin); otherwise the owning tenant. */
export type PoolScope = string | null;

/** A credential as it may be shown: never its secret, only a 4-character hint. */
export interface CredentialView {
  id: string;
  tenantId: string | null;
  provider: string;
  name: string;
  hint: string;
  keyId: string;
  createdAt: Date;
  updatedAt: Date;
  rotatedAt: Date | null;
}

export interface NewCredential {
  provider: string;
  name: string;
  sealed: string;
  keyId: string;
  hint: string;
}

export interface PriceOverrideRecord {
  inputPerMillion: string;
  outputPerMillion: string;
  cachedInputPerMillion?: string;
  currency: string;
}

export interface PoolDeploymentRecord {
  id: string;
  tenantId: string | null;
  alias: string;
  provider: string;
  baseUrl: string;
  credentialId: string;
  upstreamModel: string;
  weight: number;
  rpm: number | null;
  tpm: number | null;
  maxConcurrency: number | null;
  priceOverride: PriceOverrideRecord | null;
  timeoutMs: number | null;
  drained: boolean;
  strictToolsBaseUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type PoolDeploymentInput = Omit<PoolDeploymentRecord, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'>;

export interface PoolAliasRecord {
  id: string;
  tenantId: string | null;
  name: string;
  strategy: string;
  fallbacks: string[];
  ttftTimeoutMs: number | null;
  stallTimeoutMs: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export type PoolAliasInput = Omit<PoolAliasRecord, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'>;

/** Everything model-pool loads: every scope's rows, with the credentials' sealed values. */
export interface PoolConfigRows {
  version: number;
  credentials: Array<{ id: string; tenantId: string | null; provider: string; sealed: string }>;
  deployments: PoolDeploymentRecord[];
  aliases: PoolAliasRecord[];
}

/** The owner a credential's secret is sealed for (SecretBox AAD): it opens only as this row. */
export function credentialOwner(tenantId: string | null, id: string): string {
  return `${tenantId ?? 'platform'}:cred:${id}`;
}
