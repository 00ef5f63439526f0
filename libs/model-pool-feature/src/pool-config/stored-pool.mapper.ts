// The stored pool config rows as model-routing's deployments and alias settings, credentials opened.
// A credential that does not open (another SHOAL_SECRET_KEY sealed it) leaves its deployments out of
// routing, named in `problems` (the admin state view shows it) and in one loud log line.
import {
  PROVIDER_KINDS,
  ROUTING_STRATEGY_NAMES,
  Secret,
  type AliasSettings,
  type Deployment,
  type ProviderKind,
  type RoutingStrategyName,
  type StoredPool,
} from '@shoal/model-routing';
import { credentialOwner, type PoolConfigRows, type SecretBox } from '@shoal/platform';

export interface MappedPool {
  readonly stored: StoredPool;
  /** Stored deployments left out of routing, and why. */
  readonly problems: ReadonlyMap<string, string>;
}

const isProvider = (p: string): p is ProviderKind => (PROVIDER_KINDS as readonly string[]).includes(p);
const isStrategy = (s: string): s is RoutingStrategyName => (ROUTING_STRATEGY_NAMES as readonly string[]).includes(s);

export function mapStoredPool(rows: PoolConfigRows, box: SecretBox | null): MappedPool {
  const problems = new Map<string, string>();
  const keys = new Map<string, Secret | string>();
  for (const c of rows.credentials) {
    if (!box) {
      keys.set(c.id, 'credential cannot be opened: SHOAL_SECRET_KEY is not set on model-pool');
      continue;
    }
    try {
      keys.set(c.id, new Secret(box.open(c.sealed, credentialOwner(c.tenantId, c.id))));
    } catch (err) {
      keys.set(c.id, `credential ${c.id} does not open: ${(err as Error).message}`);
    }
  }
  const deployments: Deployment[] = [];
  for (const r of rows.deployments) {
    const key = keys.get(r.credentialId);
    if (!(key instanceof Secret)) {
      problems.set(r.id, key ?? `credential ${r.credentialId} is missing`);
      continue;
    }
    if (!isProvider(r.provider)) {
      problems.set(r.id, `unknown provider "${r.provider}"`);
      continue;
    }
    deployments.push(
      Object.freeze({
        id: r.id,
        model: r.alias,
        provider: r.provider,
        baseUrl: r.baseUrl.replace(/\/+$/, ''),
        apiKey: key,
        upstreamModel: r.upstreamModel,
        weight: r.weight,
        ...(r.rpm !== null ? { rpm: r.rpm } : {}),
        ...(r.tpm !== null ? { tpm: r.tpm } : {}),
        ...(r.timeoutMs !== null ? { timeoutMs: r.timeoutMs } : {}),
        ...(r.priceOverride !== null ? { priceOverride: r.priceOverride } : {}),
        ...(r.maxConcurrency !== null ? { maxConcurrency: r.maxConcurrency } : {}),
        ...(r.strictToolsBaseUrl !== null ? { strictToolsBaseUrl: r.strictToolsBaseUrl } : {}),
        drained: r.drained,
        tenantId: r.tenantId,
        credentialId: r.credentialId,
        source: 'admin' as const,
      }),
    );
  }
  const aliases: AliasSettings[] = rows.aliases.map((a) => ({
    name: a.name,
    tenantId: a.tenantId,
    fallbacks: a.fallbacks,
    ...(isStrategy(a.strategy) ? { strategy: a.strategy } : {}),
    ...(a.ttftTimeoutMs !== null ? { ttftTimeoutMs: a.ttftTimeoutMs } : {}),
    ...(a.stallTimeoutMs !== null ? { stallTimeoutMs: a.stallTimeoutMs } : {}),
  }));
  return { stored: { deployments, aliases }, problems };
}
