// Deployments by alias, the routing strategy and the health store, put together: answers "which
// deployment next?" and records what happened to it.
import { contextWindowOf } from './context-window';
import { DEFAULT_COOLDOWN_POLICY, cooldownToApply, type CooldownPolicy } from './cooldown.policy';
import type { PriceLookup } from './cost.strategy';
import type { Deployment, ModelAlias, RoutingStrategyName } from './deployment';
import { DeploymentConfigError } from './deployment-config.error';
import type { Clock, Cooldown, HealthStore } from './health.store';
import { LocalLoad, mergeLoad, type LiveLoad } from './live-load';
import type { ProviderFailure } from './provider-failure';
import type { RoutingStrategy } from './routing.strategy';
import { createStrategies } from './routing-strategies';
import { UnknownModelError } from './unknown-model.error';

export interface ModelRouterOptions {
  readonly deployments: readonly Deployment[];
  readonly models: readonly ModelAlias[];
  readonly health: HealthStore;
  /** Replaces the `weighted` strategy (an alias without `strategy` uses it). */
  readonly strategy?: RoutingStrategy;
  /** The catalog's price of a deployment, for aliases with strategy `cost`. */
  readonly price?: PriceLookup;
  /** In [0, 1); for the randomised strategies. */
  readonly random?: () => number;
  /** This process's load counts, when several routers (config versions, tenant views) must share them. */
  readonly localLoad?: LocalLoad;
  readonly clock?: Clock;
  readonly policy?: Partial<CooldownPolicy>;
  /**
   * Called when the health store fails (Redis down). Routing then carries on as if every
   * deployment were healthy: a broken health store must not turn into failed LLM calls.
   */
  readonly onStoreError?: (err: unknown, operation: 'getCooldowns' | 'snapshot' | 'recordSuccess' | 'recordFailure' | 'cooldown') => void;
}

export type EarliestCooldown = Cooldown & { readonly deploymentId: string };

export type PickResult =
  | {
      readonly deployment: Deployment;
      /** The alias it serves: the requested one or a fallback. */
      readonly model: string;
      /** True when it was already tried in this call: the caller should back off first. */
      readonly retry: boolean;
    }
  | {
      readonly deployment: undefined;
      /** The cooldown that ends first; every usable deployment is cooling down. */
      readonly earliest: EarliestCooldown;
    };

function earliestOf(cooldowns: ReadonlyMap<string, Cooldown>): EarliestCooldown | undefined {
  let earliest: EarliestCooldown | undefined;
  for (const [deploymentId, cooldown] of cooldowns) {
    if (!earliest || cooldown.untilMs < earliest.untilMs) earliest = { ...cooldown, deploymentId };
  }
  return earliest;
}

/** Weight 0 or drained by an operator: configured, but never picked. */
const inRotation = (d: Deployment): boolean => d.weight > 0 && d.drained !== true;

const hasLimits = (d: Deployment): boolean => d.maxConcurrency !== undefined || d.rpm !== undefined || d.tpm !== undefined;

/** How soon a deployment at its concurrency cap is looked at again (a slot frees when any call ends). */
export const CAPACITY_RECHECK_MS = 25;

export interface PickOptions {
  /** Only deployments whose context window is known and larger (the context-window fallback). */
  readonly minContextWindow?: number;
}

export class ModelRouter {
  readonly policy: CooldownPolicy;
  readonly now: Clock;
  private readonly health: HealthStore;
  private readonly strategies: Record<RoutingStrategyName, RoutingStrategy>;
  private readonly local: LocalLoad;
  private readonly onStoreError: NonNullable<ModelRouterOptions['onStoreError']>;
  private readonly aliases = new Map<string, ModelAlias>();
  private readonly byAlias = new Map<string, readonly Deployment[]>();
  private readonly byId = new Map<string, Deployment>();

  constructor(options: ModelRouterOptions) {
    this.policy = { ...DEFAULT_COOLDOWN_POLICY, ...options.policy };
    this.now = options.clock ?? Date.now;
    this.health = options.health;
    this.strategies = createStrategies({ weighted: options.strategy, price: options.price, random: options.random });
    this.local = options.localLoad ?? new LocalLoad(this.now);
    this.onStoreError = options.onStoreError ?? (() => undefined);
    for (const d of options.deployments) this.byId.set(d.id, d);
    for (const alias of options.models) {
      const deployments = alias.deploymentIds.map((id) => {
        const d = this.byId.get(id);
        if (!d) throw new DeploymentConfigError([{ path: `models.${alias.name}`, message: `lists unknown deployment "${id}"` }]);
        return d;
      });
      this.aliases.set(alias.name, alias);
      this.byAlias.set(alias.name, deployments);
    }
  }

  /** Every alias, in config order, for `/v1/models`. */
  models(): readonly ModelAlias[] {
    return [...this.aliases.values()];
  }

  hasModel(name: string): boolean {
    return this.aliases.has(name);
  }

  /** The alias of that name, if configured. */
  alias(name: string): ModelAlias | undefined {
    return this.aliases.get(name);
  }

  deployment(id: string): Deployment | undefined {
    return this.byId.get(id);
  }

  /** @throws UnknownModelError */
  deploymentsOf(model: string): readonly Deployment[] {
    const deployments = this.byAlias.get(model);
    if (!deployments) throw new UnknownModelError(model);
    return deployments;
  }

  /**
   * The aliases a call for `model` may use, in order: the model, then its fallbacks. Fallbacks are
   * not followed transitively, so a cycle between two aliases' fallbacks is harmless.
   * @throws UnknownModelError
   */
  chainOf(model: string): readonly string[] {
    const alias = this.aliases.get(model);
    if (!alias) throw new UnknownModelError(model);
    return [model, ...alias.fallbacks.filter((f) => f !== model && this.aliases.has(f))];
  }

  /**
   * The next deployment for a call over `chain`: first one not yet tried (`tried`), alias by alias,
   * so every deployment of the model is tried before any fallback; then, once all were tried, one
   * that is still not cooling down (a retry). Each alias chooses with its own strategy. Deployments
   * cooling down, at their concurrency cap or RPM/TPM limit, or of weight 0 are never picked; when
   * nothing is left, says which cooldown (or wait for capacity) ends first.
   */
  async pick(
    chain: readonly string[],
    tried: ReadonlySet<string>,
    attemptNo: number,
    options: PickOptions = {},
  ): Promise<PickResult | undefined> {
    const min = options.minContextWindow;
    const usable = chain.map((model) => ({
      model,
      strategy: this.strategies[this.aliases.get(model)?.strategy ?? 'weighted'],
      deployments: this.deploymentsOf(model).filter((d) => inRotation(d) && (min === undefined || (contextWindowOf(d) ?? 0) > min)),
    }));
    const all = usable.flatMap((u) => u.deployments);
    const blocked = new Map(await this.cooldownsOf(all.map((d) => d.id)));
    const load = usable.some((u) => u.strategy.readsLoad) || all.some(hasLimits) ? await this.loadOf(all) : undefined;
    if (load) for (const d of all) if (!blocked.has(d.id)) this.blockAtCapacity(d, load(d.id), blocked);

    for (const allowRetry of [false, true]) {
      for (const { model, strategy, deployments } of usable) {
        const candidates = deployments.filter((d) => !blocked.has(d.id) && (allowRetry || !tried.has(d.id)));
        const deployment = candidates.length > 0 ? strategy.pick(candidates, { model, attemptNo, load }) : undefined;
        if (deployment) return { deployment, model, retry: allowRetry };
      }
    }

    const earliest = earliestOf(blocked);
    // Undefined when nothing is usable at all, or a strategy declined every candidate.
    return earliest ? { deployment: undefined, earliest } : undefined;
  }

  /**
   * Counts a call in flight on `deployment` (and a request in this minute's RPM window) in this
   * process; the returned function ends it. The health store's own in-flight count, where it keeps
   * one (the shared store), is read next to this one: the larger wins.
   */
  acquire(deployment: Deployment): () => void {
    return this.local.acquire(deployment.id);
  }

  /** Tokens a call used, for this process's TPM window. */
  recordTokens(deployment: Deployment, tokens: number): void {
    this.local.addTokens(deployment.id, tokens);
  }

  /** What `deployment` carries now, as routing sees it (this process and the health store together). */
  async loadOf(deployments: readonly Deployment[]): Promise<(id: string) => LiveLoad> {
    let shared: ReadonlyMap<string, LiveLoad> = new Map();
    if (deployments.length > 0) {
      try {
        shared = await this.health.snapshot(deployments.map((d) => d.id));
      } catch (err) {
        this.onStoreError(err, 'snapshot');
      }
    }
    const merged = new Map<string, LiveLoad>();
    return (id) => {
      let load = merged.get(id);
      if (!load) merged.set(id, (load = mergeLoad(shared.get(id), this.local.of(id))));
      return load;
    };
  }

  private blockAtCapacity(d: Deployment, load: LiveLoad, blocked: Map<string, Cooldown>): void {
    if (d.maxConcurrency !== undefined && load.inFlight >= d.maxConcurrency) {
      blocked.set(d.id, { untilMs: this.now() + CAPACITY_RECHECK_MS, reason: 'rate_limited' });
    } else if ((d.rpm !== undefined && (load.rpmUsed ?? 0) >= d.rpm) || (d.tpm !== undefined && (load.tpmUsed ?? 0) >= d.tpm)) {
      blocked.set(d.id, { untilMs: this.local.windowEndsAt(), reason: 'rate_limited' });
    }
  }

  /** The cooldown that ends first, if every usable deployment of `chain` is cooling down. */
  async allCoolingUntil(chain: readonly string[]): Promise<EarliestCooldown | undefined> {
    const ids = chain.flatMap((m) =>
      this.deploymentsOf(m)
        .filter(inRotation)
        .map((d) => d.id),
    );
    const cooldowns = await this.cooldownsOf(ids);
    if (ids.length === 0 || ids.some((id) => !cooldowns.has(id))) return undefined;
    return earliestOf(cooldowns);
  }

  /** For the app too: a stream that ends well after failover is over still reports here. */
  async reportSuccess(deployment: Deployment, latencyMs: number): Promise<void> {
    try {
      await this.health.recordSuccess(deployment.id, latencyMs);
    } catch (err) {
      this.onStoreError(err, 'recordSuccess');
    }
  }

  /**
   * Records a failure and cools the deployment down as the policy says. Returns the cooldown
   * applied (0 if none). A failure without `failover` is the request's fault and leaves no trace.
   * For the app too: a stream that breaks after its first byte is reported here, not failed over.
   */
  async reportFailure(deployment: Deployment, failure: ProviderFailure): Promise<number> {
    if (!failure.failover) return 0;
    let streak = 1;
    try {
      streak = await this.health.recordFailure(deployment.id, failure.kind, this.policy.failureWindowMs);
    } catch (err) {
      this.onStoreError(err, 'recordFailure');
    }
    const cooldownMs = cooldownToApply(failure, streak, this.policy);
    if (cooldownMs > 0) {
      try {
        await this.health.cooldown(deployment.id, this.now() + cooldownMs, failure.kind);
      } catch (err) {
        this.onStoreError(err, 'cooldown');
      }
    }
    return cooldownMs;
  }

  private async cooldownsOf(ids: readonly string[]): Promise<ReadonlyMap<string, Cooldown>> {
    if (ids.length === 0) return new Map();
    try {
      return await this.health.getCooldowns(ids);
    } catch (err) {
      this.onStoreError(err, 'getCooldowns');
      return new Map();
    }
  }
}
