// @shoal/model-routing: which deployment serves an LLM call, and what to do when it fails.
// Plain TypeScript; the model-pool app does the I/O.
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
    get AllDeploymentsFailedError () {
        return _alldeploymentsfailederror.AllDeploymentsFailedError;
    },
    get DEFAULT_COOLDOWN_POLICY () {
        return _cooldownpolicy.DEFAULT_COOLDOWN_POLICY;
    },
    get DeploymentConfigError () {
        return _deploymentconfigerror.DeploymentConfigError;
    },
    get FAILOVER_DEFAULTS () {
        return _failover.FAILOVER_DEFAULTS;
    },
    get FAILURE_KINDS () {
        return _providerfailure.FAILURE_KINDS;
    },
    get InMemoryHealthStore () {
        return _healthstore.InMemoryHealthStore;
    },
    get ModelRouter () {
        return _modelrouter.ModelRouter;
    },
    get PROVIDER_KINDS () {
        return _deployment.PROVIDER_KINDS;
    },
    get Secret () {
        return _secrets.Secret;
    },
    get TRANSIENT_KINDS () {
        return _cooldownpolicy.TRANSIENT_KINDS;
    },
    get UnknownModelError () {
        return _unknownmodelerror.UnknownModelError;
    },
    get WeightedStrategy () {
        return _weightedstrategy.WeightedStrategy;
    },
    get ZERO_USAGE () {
        return _usagenormalizer.ZERO_USAGE;
    },
    get classifyProviderError () {
        return _errorclassifier.classifyProviderError;
    },
    get clientStatusFor () {
        return _errorclassifier.clientStatusFor;
    },
    get cooldownToApply () {
        return _cooldownpolicy.cooldownToApply;
    },
    get defaultSleep () {
        return _failover.defaultSleep;
    },
    get loadDeploymentConfig () {
        return _deploymentconfig.loadDeploymentConfig;
    },
    get normalizeUsage () {
        return _usagenormalizer.normalizeUsage;
    },
    get parseRetryAfter () {
        return _errorclassifier.parseRetryAfter;
    },
    get redactKeyPatterns () {
        return _secrets.redactKeyPatterns;
    },
    get redactSecrets () {
        return _secrets.redactSecrets;
    },
    get runWithFailover () {
        return _failover.runWithFailover;
    }
});
const _deployment = require("./deployment");
const _deploymentconfig = require("./deployment.config");
const _deploymentconfigerror = require("./deployment-config.error");
const _secrets = require("./secrets");
const _weightedstrategy = require("./weighted.strategy");
const _healthstore = require("./health.store");
const _cooldownpolicy = require("./cooldown.policy");
const _providerfailure = require("./provider-failure");
const _errorclassifier = require("./error.classifier");
const _modelrouter = require("./model.router");
const _failover = require("./failover");
const _unknownmodelerror = require("./unknown-model.error");
const _alldeploymentsfailederror = require("./all-deployments-failed.error");
const _usagenormalizer = require("./usage.normalizer");

//# sourceMappingURL=index.js.map