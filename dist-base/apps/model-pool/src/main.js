// model-pool: routes every LLM call across providers and keys.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
require("reflect-metadata");
const _platform = require("../../../libs/platform/src");
const _modelpoolconfig = require("./model-pool.config");
const _modelpoolfeature = require("../../../libs/model-pool-feature/src");
(0, _platform.runService)('model-pool', ()=>(0, _modelpoolconfig.loadModelPoolConfig)(process.env), (config)=>{
    const { deployments } = config;
    (0, _platform.createLogger)('model-pool').info({
        models: deployments.models.map((m)=>m.name),
        deployments: deployments.deployments.length
    }, 'deployments loaded');
    return _modelpoolfeature.ModelPoolModule.register({
        deployments,
        maxAttempts: config.MODEL_POOL_MAX_ATTEMPTS,
        sse: (0, _platform.sseLimitsOf)(config)
    });
});

//# sourceMappingURL=main.js.map