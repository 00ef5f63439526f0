// The pool as one tenant sees it: the boot seed (file, env) merged with the deployments and aliases
// stored through the admin API, platform-shared and the tenant's own. Built once per config version;
// model-pool keeps one ModelRouter per tenant view and swaps them all when the version changes.
import type { Deployment, ModelAlias, RoutingStrategyName } from './deployment';
import type { DeploymentConfig } from './deployment.config';

/** An alias's settings as stored (model_aliases); its deployments are found by their `model`. */
export interface AliasSettings {
  readonly name: string;
  readonly tenantId: string | null;
  readonly fallbacks: readonly string[];
  readonly strategy?: RoutingStrategyName;
  readonly ttftTimeoutMs?: number;
  readonly stallTimeoutMs?: number;
}

export interface StoredPool {
  /** `source: 'admin'`, each with its `tenantId` (null: shared) and opened credential. */
  readonly deployments: readonly Deployment[];
  readonly aliases: readonly AliasSettings[];
}

interface Scope {
  readonly deployments: Map<string, Deployment[]>;
  readonly settings: Map<string, AliasSettings>;
}

function scopeOf(deployments: readonly Deployment[], aliases: readonly AliasSettings[]): Scope {
  const byAlias = new Map<string, Deployment[]>();
  for (const d of deployments) byAlias.set(d.model, [...(byAlias.get(d.model) ?? []), d]);
  return { deployments: byAlias, settings: new Map(aliases.map((a) => [a.name, a])) };
}

/**
 * Precedence, name by name (an alias is its deployments plus its settings):
 * - shared: an alias's deployments are the stored shared ones when there are any, else the seed's;
 *   its settings are the stored shared row when there is one, else the seed's (the file's fallbacks);
 * - a tenant: the same rule once more, over the shared result, with the tenant's own rows:
 *   its deployments of a name shadow the shared ones for that tenant, its settings row shadows theirs.
 * Other tenants' rows are never seen.
 */
export class PoolView {
  private readonly shared: Scope;
  private readonly tenants = new Map<string, Scope>();
  private readonly sharedNames: readonly string[];

  constructor(
    readonly version: number,
    seed: DeploymentConfig,
    stored: StoredPool,
  ) {
    // a seed alias is shared unless it names a tenant (a config built in code may give one its own)
    const sharedSeed = seed.models.filter((m) => m.tenantId == null);
    const storedShared = scopeOf(
      stored.deployments.filter((d) => d.tenantId == null),
      stored.aliases.filter((a) => a.tenantId == null),
    );
    this.shared = overlay(seedScopeOf(seed, sharedSeed), storedShared);
    this.sharedNames = [...new Set([...sharedSeed.map((m) => m.name), ...this.shared.deployments.keys(), ...this.shared.settings.keys()])];
    const tenantIds = new Set(
      [...stored.deployments, ...stored.aliases, ...seed.models].map((x) => x.tenantId).filter((t): t is string => t != null),
    );
    for (const tenantId of tenantIds)
      this.tenants.set(
        tenantId,
        overlay(
          seedScopeOf(
            seed,
            seed.models.filter((m) => m.tenantId === tenantId),
          ),
          scopeOf(
            stored.deployments.filter((d) => d.tenantId === tenantId),
            stored.aliases.filter((a) => a.tenantId === tenantId),
          ),
        ),
      );
  }

  /** The deployments and aliases `tenantId` may use (null: shared only), as ModelRouter takes them. */
  configFor(tenantId: string | null): DeploymentConfig {
    const own = tenantId === null ? undefined : this.tenants.get(tenantId);
    const scope = own ? overlay(this.shared, own) : this.shared;
    const names = [...this.sharedNames, ...(own ? [...own.deployments.keys(), ...own.settings.keys()] : [])];
    const deployments = new Map<string, Deployment>();
    const models: ModelAlias[] = [];
    for (const name of new Set(names)) {
      const ds = scope.deployments.get(name) ?? [];
      const settings = scope.settings.get(name);
      if (ds.length === 0 && !settings) continue;
      for (const d of ds) deployments.set(d.id, d);
      models.push({
        name,
        deploymentIds: ds.map((d) => d.id),
        fallbacks: settings?.fallbacks ?? [],
        ...(settings?.strategy ? { strategy: settings.strategy } : {}),
        ...(settings?.ttftTimeoutMs !== undefined ? { ttftTimeoutMs: settings.ttftTimeoutMs } : {}),
        ...(settings?.stallTimeoutMs !== undefined ? { stallTimeoutMs: settings.stallTimeoutMs } : {}),
        tenantId: settings?.tenantId ?? ds[0]?.tenantId ?? null,
      });
    }
    return { deployments: [...deployments.values()], models };
  }

  /** The aliases `tenantId` may ask for (`/v1/models`). */
  aliasesFor(tenantId: string | null): readonly ModelAlias[] {
    return this.configFor(tenantId).models;
  }

  /** Tenants with rows of their own (the others see the shared view). */
  hasOwnConfig(tenantId: string): boolean {
    return this.tenants.has(tenantId);
  }
}

/** The seed's aliases as a scope: each alias's deployments are the ones it lists (by id). */
function seedScopeOf(seed: DeploymentConfig, models: readonly ModelAlias[]): Scope {
  const byId = new Map(seed.deployments.map((d) => [d.id, d]));
  const deployments = new Map<string, Deployment[]>();
  for (const m of models)
    deployments.set(
      m.name,
      m.deploymentIds.flatMap((id) => byId.get(id) ?? []),
    );
  return { deployments, settings: new Map(models.map((m) => [m.name, { ...m, tenantId: m.tenantId ?? null }])) };
}

/** `top`'s deployments and settings shadow `base`'s, name by name. */
function overlay(base: Scope, top: Scope): Scope {
  return {
    deployments: new Map([...base.deployments, ...top.deployments]),
    settings: new Map([...base.settings, ...top.settings]),
  };
}
