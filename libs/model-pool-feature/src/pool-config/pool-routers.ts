// The live pool: the boot seed merged with the stored config, one ModelRouter per tenant view, and
// the reload that swaps them when the config changes. A change is heard over the pool config bus
// (Redis pub/sub; in process when standalone) within milliseconds; a missed message is caught by the
// periodic version check. The swap is one assignment, so a call sees the old pool or the new one,
// never half of each; the health store is shared by every router, so health survives the swap.
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  LocalLoad,
  ModelRouter,
  PoolView,
  type DeploymentConfig,
  type HealthStore,
  type ModelAlias,
  type PriceLookup,
  type CooldownPolicy,
  type ModelRouterOptions,
} from '@shoal/model-routing';
import type { DeploymentLiveState } from '@shoal/contracts';
import { createLogger, type PoolConfigBus, type PoolConfigReaderRepository, type SecretBox } from '@shoal/platform';
import { mapStoredPool } from './stored-pool.mapper';

export const POOL_HEALTH_STORE = Symbol('POOL_HEALTH_STORE');
export const POOL_ROUTERS_OPTIONS = Symbol('POOL_ROUTERS_OPTIONS');

export interface PoolRoutersOptions {
  /** the file and env deployments: the whole pool without a database, the shared base with one */
  seed: DeploymentConfig;
  /** null without a database (the seed is then the whole pool) */
  reader: PoolConfigReaderRepository | null;
  bus: PoolConfigBus;
  /** opens stored credentials (SHOAL_SECRET_KEY); null: stored deployments cannot be used */
  secrets: SecretBox | null;
  /** how often the version in Postgres is compared with the loaded one (a missed message) */
  pollMs: number;
  /** the catalog's price of a deployment, for aliases routed by cost */
  price?: PriceLookup;
  /** cooldown and breaker settings; the defaults when omitted */
  policy?: Partial<CooldownPolicy>;
  onTransition?: ModelRouterOptions['onTransition'];
  onStoreError?: ModelRouterOptions['onStoreError'];
}

interface LoadedPool {
  readonly view: PoolView;
  readonly shared: ModelRouter;
  readonly tenants: Map<string, ModelRouter>;
  readonly problems: ReadonlyMap<string, string>;
}

@Injectable()
export class PoolRouters implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('PoolRouters');
  private pool: LoadedPool;
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private checkAgain = false;
  /** This process's in-flight and RPM/TPM counts, shared by every router so a reload or a tenant's own view keeps them. */
  private readonly load = new LocalLoad(Date.now);

  constructor(
    @Inject(POOL_ROUTERS_OPTIONS) private readonly opts: PoolRoutersOptions,
    @Inject(POOL_HEALTH_STORE) private readonly health: HealthStore,
  ) {
    this.pool = this.build(new PoolView(0, opts.seed, { deployments: [], aliases: [] }), new Map());
  }

  async onModuleInit(): Promise<void> {
    if (!this.opts.reader) return;
    try {
      await this.reload();
    } catch (err) {
      // model-pool still serves the seed; the periodic check loads the stored config once Postgres answers
      this.log.error({ err }, 'could not load the stored pool config at boot; serving the boot seed until it loads');
    }
    await this.opts.bus.subscribe(() => void this.check());
    this.timer = setInterval(() => void this.check(), this.opts.pollMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The config version routing uses now. */
  get version(): number {
    return this.pool.view.version;
  }

  /** The router for `tenantId`'s view: shared aliases, shadowed by the tenant's own. */
  routerFor(tenantId: string | null): ModelRouter {
    const pool = this.pool;
    if (tenantId === null || !pool.view.hasOwnConfig(tenantId)) return pool.shared;
    let router = pool.tenants.get(tenantId);
    if (!router) {
      router = this.newRouter(pool.view.configFor(tenantId));
      pool.tenants.set(tenantId, router);
    }
    return router;
  }

  /** The aliases `tenantId` may call (for `/v1/models`). */
  aliasesFor(tenantId: string | null): readonly ModelAlias[] {
    return this.routerFor(tenantId).models();
  }

  /**
   * The live state of `ids`: loaded when the tenant's view or the shared one routes to it (the
   * gateway has checked the caller may see it); the health store's snapshot of the loaded ones.
   */
  async liveState(tenantId: string, ids: readonly string[]): Promise<Record<string, DeploymentLiveState>> {
    const { problems, view, shared } = this.pool;
    const own = this.routerFor(tenantId);
    const router = { deployment: (id: string) => own.deployment(id) ?? shared.deployment(id) };
    const loaded = ids.filter((id) => router.deployment(id) !== undefined);
    const snapshots = loaded.length > 0 ? await this.health.snapshot(loaded) : new Map();
    const out: Record<string, DeploymentLiveState> = {};
    for (const id of ids) {
      const problem = problems.get(id);
      const health = snapshots.get(id);
      out[id] = {
        loaded: router.deployment(id) !== undefined,
        configVersion: view.version,
        ...(problem ? { problem } : {}),
        ...(health ? { health: { ...health } } : {}),
      };
    }
    return out;
  }

  /** Compares the stored version with the loaded one and reloads when they differ; calls that overlap run once more, not in parallel. */
  check(): Promise<void> {
    if (this.checking) {
      this.checkAgain = true;
      return this.checking;
    }
    this.checking = (async () => {
      do {
        this.checkAgain = false;
        try {
          const reader = this.opts.reader;
          if (reader && (await reader.version()) !== this.pool.view.version) await this.reload();
        } catch (err) {
          this.log.warn({ err }, 'pool config check failed; routing with the loaded config');
        }
      } while (this.checkAgain);
    })().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async reload(): Promise<void> {
    if (!this.opts.reader) return;
    const rows = await this.opts.reader.load();
    const { stored, problems } = mapStoredPool(rows, this.opts.secrets);
    for (const [id, problem] of problems) this.log.error({ deployment: id, problem }, 'stored deployment left out of routing');
    const previous = this.pool.view.version;
    this.pool = this.build(new PoolView(rows.version, this.opts.seed, stored), problems);
    this.log.info({ from: previous, to: rows.version, deployments: stored.deployments.length }, 'pool config loaded');
  }

  private build(view: PoolView, problems: ReadonlyMap<string, string>): LoadedPool {
    return { view, shared: this.newRouter(view.configFor(null)), tenants: new Map(), problems };
  }

  /** Every router of every tenant and version is made here, over the one shared health store. */
  private newRouter(config: DeploymentConfig): ModelRouter {
    const { price, policy, onTransition, onStoreError } = this.opts;
    return new ModelRouter({ ...config, health: this.health, price, policy, onTransition, onStoreError, localLoad: this.load });
  }
}
