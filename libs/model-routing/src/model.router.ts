// Deployments by alias, the routing strategy and the health store, put together: answers "which
// deployment next?" and records what happened to it.
import { contextWindowOf } from './context-window';
import { DEFAULT_COOLDOWN_POLICY, type CooldownPolicy } from './cooldown.policy';
import type { PriceLookup } from './cost.strategy';
import type { Deployment, ModelAlias, RoutingStrategyName } from './deployment';
import { DeploymentConfigError } from './deployment-config.error';
import type { HealthTransition } from './deployment-health';
import type { Clock, Cooldown, HealthStore, Lease } from './health.store';
import { LocalLoad, mergeLoad, type LiveLoad } from './live-load';
import type { FailureKind, ProviderFailure } from './provider-failure';
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
  readonly onStoreError?: (err: unknown, operation: HealthStoreOperation) => void;
  /** A deployment's health changed in a way operators should hear of (the app logs it; auth and balance loudly). */
  readonly onTransition?: (event: HealthTransitionEvent) => void;
}

export type HealthStoreOperation = 'getCooldowns' | 'snapshot' | 'recordSuccess' | 'recordFailure' | 'cooldown' | 'acquire' | 'release';

export interface HealthTransitionEvent {
  readonly deploymentId: string;
  readonly transition: HealthTransition;
  readonly kind?: FailureKind;
  /** How long it is out of rotation (cooldown or open breaker), from now. */
  readonly cooldownMs?: number;
  /** For a credential failure (auth, balance): every deployment taken out with it, this one included. */
  readonly credentialDeployments?: readonly string[];
  readonly credentialId?: string;
}

/** Failures that condemn the key, not the endpoint: every deployment using the same credential rests. */
const CREDENTIAL_KINDS: ReadonlySet<FailureKind> = new Set<FailureKind>(['auth', 'insufficient_balance']);

export type EarliestCooldown = Cooldown & { readonly deploymentId: string };

export type PickResult =
  | {
      readonly deployment: Deployment;
      /** The alias it serves: the requested one or a fallback. */
      readonly model: string;
      /** True when it was already tried in this call: the caller should back off first. */
      readonly retry: boolean;
      /** The in-flight slot taken on it in the health store; hand it back with `release` when the call ends. */
      readonly lease?: Lease;
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
  private readonly onTransition: NonNullable<ModelRouterOptions['onTransition']>;
  /** credential identity → the deployments using it */
  private readonly byCredential = new Map<string, Deployment[]>();
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
    this.onTransition = options.onTransition ?? (() => undefined);
    for (const d of options.deployments) {
      this.byId.set(d.id, d);
      const credential = credentialOf(d);
      this.byCredential.set(credential, [...(this.byCredential.get(credential) ?? []), d]);
    }
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

    const refused = new Set<string>();
    for (const allowRetry of [false, true]) {
      for (const { model, strategy, deployments } of usable) {
        let candidates = deployments.filter((d) => !blocked.has(d.id) && !refused.has(d.id) && (allowRetry || !tried.has(d.id)));
        while (candidates.length > 0) {
          const deployment = strategy.pick(candidates, { model, attemptNo, load });
          if (!deployment) break;
          const acquired = await this.acquireSlot(deployment);
          if (acquired.lease) return { deployment, model, retry: allowRetry, lease: acquired.lease };
          // at its cap across replicas, another caller holds its half-open probe, or it began cooling
          // since the read above: the next candidate; if none is left, look again shortly
          refused.add(deployment.id);
          if (!blocked.has(deployment.id)) blocked.set(deployment.id, { untilMs: this.now() + CAPACITY_RECHECK_MS, reason: 'overloaded' });
          candidates = candidates.filter((d) => d !== deployment);
        }
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
      blocked.set(d.id, { untilMs: this.now() + CAPACITY_RECHECK_MS, reason: 'overloaded' });
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
  async reportSuccess(deployment: Deployment, latencyMs: number, sample: { ttftMs?: number; latency?: boolean } = {}): Promise<void> {
    try {
      const outcome = await this.health.applySuccess(
        deployment.id,
        { ...(sample.latency === false ? {} : { latencyMs }), ...(sample.ttftMs !== undefined ? { ttftMs: sample.ttftMs } : {}) },
        this.policy,
      );
      if (outcome.transition) this.onTransition({ deploymentId: deployment.id, transition: outcome.transition });
    } catch (err) {
      this.onStoreError(err, 'recordSuccess');
    }
  }

  /**
   * Records a failure and cools the deployment down or opens its breaker as the policy says
   * (`deployment-health.ts`). Returns how long it is out of rotation (0 if not). A failure without
   * `failover` is the request's fault and leaves no trace. A bad key or an empty balance takes every
   * deployment using the same credential out with it. For the app too: a stream that breaks after
   * its first byte is reported here, not failed over.
   */
  async reportFailure(deployment: Deployment, failure: ProviderFailure): Promise<number> {
    if (!failure.failover) return 0;
    let cooldownMs = 0;
    try {
      const outcome = await this.health.applyFailure(deployment.id, failure, this.policy);
      cooldownMs = outcome.cooldownMs;
      const siblings = CREDENTIAL_KINDS.has(failure.kind) ? (this.byCredential.get(credentialOf(deployment)) ?? []) : [];
      for (const d of siblings)
        if (d !== deployment && cooldownMs > 0) await this.health.cooldown(d.id, this.now() + cooldownMs, failure.kind);
      if (outcome.transition)
        this.onTransition({
          deploymentId: deployment.id,
          transition: outcome.transition,
          kind: failure.kind,
          cooldownMs,
          ...(siblings.length > 0 ? { credentialDeployments: siblings.map((d) => d.id) } : {}),
          ...(deployment.credentialId ? { credentialId: deployment.credentialId } : {}),
        });
    } catch (err) {
      this.onStoreError(err, 'recordFailure');
    }
    return cooldownMs;
  }

  /** Hands back an in-flight slot taken by `pick`; `tokens` count against the deployment's TPM window. */
  async release(lease: Lease | undefined, tokens?: number): Promise<void> {
    if (!lease || lease.token === '') return;
    try {
      await this.health.release(lease, tokens);
    } catch (err) {
      this.onStoreError(err, 'release');
    }
  }

  private async acquireSlot(d: Deployment): Promise<{ lease?: Lease }> {
    try {
      const r = await this.health.acquire(d.id, d.maxConcurrency !== undefined ? { maxConcurrency: d.maxConcurrency } : {}, this.policy);
      return r.granted ? { lease: r.lease } : {};
    } catch (err) {
      // a broken store must not stop calls: the call goes ahead uncounted
      this.onStoreError(err, 'acquire');
      return { lease: { deploymentId: d.id, token: '', probe: false } };
    }
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

/** Deployments share a credential when they name the same stored one, or use the same key on the same endpoint. */
function credentialOf(d: Deployment): string {
  return d.credentialId ?? `${d.baseUrl}\n${d.apiKey.reveal()}`;
}
