// Deployments by alias, the routing strategy and the health store, put together: answers "which
// deployment next?" and records what happened to it.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "ModelRouter", {
    enumerable: true,
    get: function() {
        return ModelRouter;
    }
});
const _cooldownpolicy = require("./cooldown.policy");
const _deploymentconfigerror = require("./deployment-config.error");
const _unknownmodelerror = require("./unknown-model.error");
const _weightedstrategy = require("./weighted.strategy");
function earliestOf(cooldowns) {
    let earliest;
    for (const [deploymentId, cooldown] of cooldowns){
        if (!earliest || cooldown.untilMs < earliest.untilMs) earliest = {
            ...cooldown,
            deploymentId
        };
    }
    return earliest;
}
let ModelRouter = class ModelRouter {
    policy;
    now;
    health;
    strategy;
    onStoreError;
    aliases = new Map();
    byAlias = new Map();
    byId = new Map();
    constructor(options){
        this.policy = {
            ..._cooldownpolicy.DEFAULT_COOLDOWN_POLICY,
            ...options.policy
        };
        this.now = options.clock ?? Date.now;
        this.health = options.health;
        this.strategy = options.strategy ?? new _weightedstrategy.WeightedStrategy();
        this.onStoreError = options.onStoreError ?? (()=>undefined);
        for (const d of options.deployments)this.byId.set(d.id, d);
        for (const alias of options.models){
            const deployments = alias.deploymentIds.map((id)=>{
                const d = this.byId.get(id);
                if (!d) throw new _deploymentconfigerror.DeploymentConfigError([
                    {
                        path: `models.${alias.name}`,
                        message: `lists unknown deployment "${id}"`
                    }
                ]);
                return d;
            });
            this.aliases.set(alias.name, alias);
            this.byAlias.set(alias.name, deployments);
        }
    }
    /** Every alias, in config order, for `/v1/models`. */ models() {
        return [
            ...this.aliases.values()
        ];
    }
    hasModel(name) {
        return this.aliases.has(name);
    }
    deployment(id) {
        return this.byId.get(id);
    }
    /** @throws UnknownModelError */ deploymentsOf(model) {
        const deployments = this.byAlias.get(model);
        if (!deployments) throw new _unknownmodelerror.UnknownModelError(model);
        return deployments;
    }
    /**
   * The aliases a call for `model` may use, in order: the model, then its fallbacks. Fallbacks are
   * not followed transitively, so a cycle between two aliases' fallbacks is harmless.
   * @throws UnknownModelError
   */ chainOf(model) {
        const alias = this.aliases.get(model);
        if (!alias) throw new _unknownmodelerror.UnknownModelError(model);
        return [
            model,
            ...alias.fallbacks.filter((f)=>f !== model && this.aliases.has(f))
        ];
    }
    /**
   * The next deployment for a call over `chain`: first one not yet tried (`tried`), alias by alias,
   * so every deployment of the model is tried before any fallback; then, once all were tried, one
   * that is still not cooling down (a retry). Deployments cooling down or of weight 0 are never
   * picked; when nothing is left, says which cooldown ends first.
   */ async pick(chain, tried, attemptNo) {
        const usable = chain.map((model)=>({
                model,
                deployments: this.deploymentsOf(model).filter((d)=>d.weight > 0)
            }));
        const cooldowns = await this.cooldownsOf(usable.flatMap((u)=>u.deployments.map((d)=>d.id)));
        for (const allowRetry of [
            false,
            true
        ]){
            for (const { model, deployments } of usable){
                const candidates = deployments.filter((d)=>!cooldowns.has(d.id) && (allowRetry || !tried.has(d.id)));
                const deployment = candidates.length > 0 ? this.strategy.pick(candidates, {
                    model,
                    attemptNo
                }) : undefined;
                if (deployment) return {
                    deployment,
                    model,
                    retry: allowRetry
                };
            }
        }
        const earliest = earliestOf(cooldowns);
        // Undefined only if a custom strategy declined every candidate.
        return earliest ? {
            deployment: undefined,
            earliest
        } : undefined;
    }
    /** The cooldown that ends first, if every usable deployment of `chain` is cooling down. */ async allCoolingUntil(chain) {
        const ids = chain.flatMap((m)=>this.deploymentsOf(m).filter((d)=>d.weight > 0).map((d)=>d.id));
        const cooldowns = await this.cooldownsOf(ids);
        if (ids.length === 0 || ids.some((id)=>!cooldowns.has(id))) return undefined;
        return earliestOf(cooldowns);
    }
    /** For the app too: a stream that ends well after failover is over still reports here. */ async reportSuccess(deployment, latencyMs) {
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
   */ async reportFailure(deployment, failure) {
        if (!failure.failover) return 0;
        let streak = 1;
        try {
            streak = await this.health.recordFailure(deployment.id, failure.kind, this.policy.failureWindowMs);
        } catch (err) {
            this.onStoreError(err, 'recordFailure');
        }
        const cooldownMs = (0, _cooldownpolicy.cooldownToApply)(failure, streak, this.policy);
        if (cooldownMs > 0) {
            try {
                await this.health.cooldown(deployment.id, this.now() + cooldownMs, failure.kind);
            } catch (err) {
                this.onStoreError(err, 'cooldown');
            }
        }
        return cooldownMs;
    }
    async cooldownsOf(ids) {
        if (ids.length === 0) return new Map();
        try {
            return await this.health.getCooldowns(ids);
        } catch (err) {
            this.onStoreError(err, 'getCooldowns');
            return new Map();
        }
    }
};

//# sourceMappingURL=model.router.js.map