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
    get loadModelPoolConfig () {
        return loadModelPoolConfig;
    },
    get modelPoolConfigSchema () {
        return modelPoolConfigSchema;
    }
});
const _zod = require("zod");
const _modelrouting = require("../../../libs/model-routing/src");
const _platform = require("../../../libs/platform/src");
const _modelpoolfeature = require("../../../libs/model-pool-feature/src");
const modelPoolConfigSchema = _zod.z.object({
    PORT: _platform.env.port(8082),
    ..._platform.serviceEnv,
    ..._platform.sseEnv,
    /** a JSON file of deployments; see libs/model-routing/README.md */ MODEL_POOL_CONFIG: _zod.z.string().optional(),
    MODEL_POOL_MAX_ATTEMPTS: _platform.env.positiveInt(3),
    DEEPSEEK_API_KEY: _zod.z.string().optional(),
    DEEPSEEK_BASE_URL: _zod.z.string().optional(),
    OPENAI_API_KEY: _zod.z.string().optional(),
    OPENAI_BASE_URL: _zod.z.string().optional()
}).superRefine(_platform.checkHttpEnv);
function loadModelPoolConfig(e) {
    const config = (0, _platform.parseConfig)(modelPoolConfigSchema, e);
    const file = config.MODEL_POOL_CONFIG ? (0, _modelpoolfeature.readDeploymentFile)(config.MODEL_POOL_CONFIG) : undefined;
    // the whole environment: deployments may name the variable that holds their key (apiKeyEnv)
    const deployments = (0, _modelrouting.loadDeploymentConfig)({
        file,
        env: e
    });
    return {
        ...config,
        deployments
    };
}

//# sourceMappingURL=model-pool.config.js.map