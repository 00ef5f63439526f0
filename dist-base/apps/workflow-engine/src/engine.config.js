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
    get engineConfigSchema () {
        return engineConfigSchema;
    },
    get loadEngineConfig () {
        return loadEngineConfig;
    }
});
const _zod = require("zod");
const _platform = require("../../../libs/platform/src");
const engineConfigSchema = _zod.z.object({
    PORT: _platform.env.port(8081),
    ..._platform.serviceEnv,
    ..._platform.databaseEnv,
    ..._platform.runEventsEnv,
    ..._platform.workflowLimitsEnv,
    MODEL_POOL_URL: _platform.env.url([
        'http',
        'https'
    ]),
    BILLING_URL: _platform.env.url([
        'http',
        'https'
    ]),
    ENGINE_CONCURRENCY: _platform.env.positiveInt(16)
}).superRefine(_platform.checkHttpEnv);
const loadEngineConfig = (e)=>(0, _platform.parseConfig)(engineConfigSchema, e);

//# sourceMappingURL=engine.config.js.map