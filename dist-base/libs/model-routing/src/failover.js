// Runs one LLM call across a model's deployments (and its fallbacks) until one answers.
//
// Streaming contract: failover covers only what happens before the first byte reaches the client.
// For a streamed call, `attempt` must resolve once the provider has produced its first chunk (not
// merely headers); until then a failure moves on to the next deployment and the client sees
// nothing. Once `attempt` has resolved and the app has started writing to the client, this function
// is done and is never called again for that request: a stream that breaks later is reported with
// `router.reportFailure(deployment, classify(err))` and surfaces to the client as an explicit error
// event, because replaying half an answer from another deployment would duplicate or contradict it.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
function _export(target, all) {
    for(var name in all)Object.defineProperty(target, name, {
        enumerable: true,
        get: Object.getOwnPropertyDescriptor(all, name).get
    });
}
_export(exports, {
    get FAILOVER_DEFAULTS () {
        return FAILOVER_DEFAULTS;
    },
    get defaultSleep () {
        return defaultSleep;
    },
    get runWithFailover () {
        return runWithFailover;
    }
});
const _alldeploymentsfailederror = require("./all-deployments-failed.error");
const _errorclassifier = require("./error.classifier");
const _secrets = require("./secrets");
const FAILOVER_DEFAULTS = Object.freeze({
    maxAttempts: 3,
    maxWaitMs: 2_000,
    /** First backoff before calling a deployment again in the same request; doubles after. */ retryBaseMs: 100,
    /** Added at random to a cooldown wait, so replicas waiting on one deployment don't stampede it. */ cooldownJitterMs: 100,
    /** Least wait counted against the budget, so a store that keeps answering "cooling" can't spin us. */ minWaitMs: 10
});
function abortError(signal) {
    return signal.reason ?? new Error('The operation was aborted');
}
function defaultSleep(ms, signal) {
    return new Promise((resolve, reject)=>{
        if (signal?.aborted) return reject(abortError(signal));
        const onAbort = ()=>{
            clearTimeout(timer);
            reject(signal ? abortError(signal) : new Error('aborted'));
        };
        const timer = setTimeout(()=>{
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, {
            once: true
        });
    });
}
async function runWithFailover(opts) {
    const { router, signal } = opts;
    const chain = router.chainOf(opts.model);
    const maxAttempts = Math.max(1, opts.maxAttempts ?? FAILOVER_DEFAULTS.maxAttempts);
    const maxWaitMs = opts.maxWaitMs ?? FAILOVER_DEFAULTS.maxWaitMs;
    const classify = opts.classify ?? ((err)=>(0, _errorclassifier.classifyProviderError)(err, {
            now: router.now,
            policy: router.policy
        }));
    const sleep = opts.sleep ?? defaultSleep;
    const random = opts.random ?? Math.random;
    const attempts = [];
    const tried = new Set();
    let lastFailure;
    let waitedMs = 0;
    let retries = 0;
    const wait = async (ms)=>{
        await sleep(ms, signal);
        waitedMs += Math.max(ms, FAILOVER_DEFAULTS.minWaitMs);
    };
    while(attempts.length < maxAttempts){
        if (signal?.aborted) throw abortError(signal);
        const attemptNo = attempts.length + 1;
        const pick = await router.pick(chain, tried, attemptNo);
        if (!pick) break;
        if (!pick.deployment) {
            const remaining = Math.max(0, pick.earliest.untilMs - router.now());
            const delay = Math.max(remaining, FAILOVER_DEFAULTS.minWaitMs) + random() * FAILOVER_DEFAULTS.cooldownJitterMs;
            if (waitedMs + delay > maxWaitMs) {
                throw new _alldeploymentsfailederror.AllDeploymentsFailedError({
                    model: opts.model,
                    attempts,
                    lastFailure,
                    kind: lastFailure?.kind ?? pick.earliest.reason,
                    clientStatus: lastFailure?.clientStatus ?? (0, _errorclassifier.clientStatusFor)(pick.earliest.reason),
                    retryAfterMs: Math.ceil(remaining)
                });
            }
            await wait(delay);
            continue;
        }
        if (pick.retry) {
            // Same deployment again in one request: back off (equal jitter) within what is left of the budget.
            const backoff = FAILOVER_DEFAULTS.retryBaseMs * 2 ** retries * (0.5 + random() * 0.5);
            retries += 1;
            const delay = Math.min(backoff, maxWaitMs - waitedMs);
            if (delay > 0) await wait(delay);
        }
        const { deployment, model } = pick;
        tried.add(deployment.id);
        const startedAtMs = router.now();
        try {
            const value = await opts.attempt(deployment, attemptNo);
            const latencyMs = router.now() - startedAtMs;
            await router.reportSuccess(deployment, latencyMs);
            attempts.push({
                attemptNo,
                model,
                deploymentId: deployment.id,
                provider: deployment.provider,
                startedAtMs,
                latencyMs,
                outcome: 'succeeded'
            });
            return {
                value,
                deployment,
                model,
                attempts
            };
        } catch (err) {
            // The caller went away: not the deployment's fault, and nobody is waiting for another try.
            if (signal?.aborted) throw err;
            const classified = classify(err);
            if (!classified.failover) throw err;
            const failure = classified.message ? {
                ...classified,
                message: (0, _secrets.redactSecrets)(classified.message, [
                    deployment.apiKey
                ])
            } : classified;
            lastFailure = failure;
            const cooldownMs = await router.reportFailure(deployment, failure);
            attempts.push({
                attemptNo,
                model,
                deploymentId: deployment.id,
                provider: deployment.provider,
                startedAtMs,
                latencyMs: router.now() - startedAtMs,
                outcome: 'failed',
                failure,
                cooldownMs
            });
        }
    }
    // The caller may retry once the first cooldown ends, if everything is cooling; otherwise whenever
    // the provider said, if it said.
    const cooling = await router.allCoolingUntil(chain);
    const kind = lastFailure?.kind ?? cooling?.reason ?? 'unknown';
    throw new _alldeploymentsfailederror.AllDeploymentsFailedError({
        model: opts.model,
        attempts,
        lastFailure,
        kind,
        clientStatus: lastFailure?.clientStatus ?? (0, _errorclassifier.clientStatusFor)(kind),
        retryAfterMs: cooling ? Math.max(0, Math.ceil(cooling.untilMs - router.now())) : lastFailure?.retryAfterMs
    });
}

//# sourceMappingURL=failover.js.map