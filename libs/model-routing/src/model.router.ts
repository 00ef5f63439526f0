// Deployments by alias, the routing strategy and the health store, put together: answers "which
// deployment next?" and records what happened to it.
import { DEFAULT_COOLDOWN_POLICY, cooldownToApply, type CooldownPolicy } from './cooldown.policy';
import type { Deployment, ModelAlias } from './deployment';
import { DeploymentConfigError } from './deployment-config.error';
import type { Clock, Cooldown, HealthStore } from './health.store';
import type { ProviderFailure } from './provider-failure';
import type { RoutingStrategy } from './routing.strategy';
import { UnknownModelError } from './unknown-model.error';
import { WeightedStrategy } from './weighted.strategy';

export interface ModelRouterOptions {
  readonly deployments: readonly Deployment[];
  readonly models: readonly ModelAlias[];
  readonly health: HealthStore;
  readonly strategy?: RoutingStrategy;
  readonly clock?: Clock;
  readonly policy?: Partial<CooldownPolicy>;
  /**
   * Called when the health store fails (Redis down). Routing then carries on as if every
   * deployment were healthy: a broken health store must not turn into failed LLM calls.
   */
  readonly onStoreError?: (err: unknown, operation: 'getCooldowns' | 'recordSuccess' | 'recordFailure' | 'cooldown') => void;
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

export class ModelRouter {
  readonly policy: CooldownPolicy;
  readonly now: Clock;
  private readonly health: HealthStore;
  private readonly strategy: RoutingStrategy;
  private readonly onStoreError: NonNullable<ModelRouterOptions['onStoreError']>;
  private readonly aliases = new Map<string, ModelAlias>();
  private readonly byAlias = new Map<string, readonly Deployment[]>();
  private readonly byId = new Map<string, Deployment>();

  constructor(options: ModelRouterOptions) {
    this.policy = { ...DEFAULT_COOLDOWN_POLICY, ...options.policy };
    this.now = options.clock ?? Date.now;
    this.health = options.health;
    this.strategy = options.strategy ?? new WeightedStrategy();
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
   * that is still not cooling down (a retry). Deployments cooling down or of weight 0 are never
   * picked; when nothing is left, says which cooldown ends first.
   */
  async pick(chain: readonly string[], tried: ReadonlySet<string>, attemptNo: number): Promise<PickResult | undefined> {
    const usable = chain.map((model) => ({ model, deployments: this.deploymentsOf(model).filter(inRotation) }));
    const cooldowns = await this.cooldownsOf(usable.flatMap((u) => u.deployments.map((d) => d.id)));

    for (const allowRetry of [false, true]) {
      for (const { model, deployments } of usable) {
        const candidates = deployments.filter((d) => !cooldowns.has(d.id) && (allowRetry || !tried.has(d.id)));
        const deployment = candidates.length > 0 ? this.strategy.pick(candidates, { model, attemptNo }) : undefined;
        if (deployment) return { deployment, model, retry: allowRetry };
      }
    }

    const earliest = earliestOf(cooldowns);
    // Undefined only if a custom strategy declined every candidate.
    return earliest ? { deployment: undefined, earliest } : undefined;
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
