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
    get gatewayConfigSchema () {
        return gatewayConfigSchema;
    },
    get loadGatewayConfig () {
        return loadGatewayConfig;
    }
});
const _zod = require("zod");
const _platform = require("../../../libs/platform/src");
const gatewayConfigSchema = _zod.z.object({
    PORT: _platform.env.port(8080),
    ..._platform.serviceEnv,
    ..._platform.databaseEnv,
    ..._platform.sseEnv,
    ..._platform.authEnv,
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
    SHOAL_BOOTSTRAP_KEY: _zod.z.string().min(20, 'must be at least 20 characters').optional(),
    RUN_BLOCKING_TIMEOUT_MS: _platform.env.positiveInt(300_000),
    /** open event streams (run events, streaming runs, streamed chat completions) per API key, per process */ SSE_MAX_STREAMS_PER_KEY: _platform.env.positiveInt(100),
    /** open event streams per run, per process */ SSE_MAX_STREAMS_PER_RUN: _platform.env.positiveInt(20)
}).superRefine(_platform.checkHttpEnv).superRefine((c, ctx)=>{
    // a blocking run answers nothing until it ends: the socket must be allowed to stay silent that long
    if (c.HTTP_CONNECTION_TIMEOUT_MS <= c.RUN_BLOCKING_TIMEOUT_MS) {
        ctx.addIssue({
            code: 'custom',
            path: [
                'HTTP_CONNECTION_TIMEOUT_MS'
            ],
            message: 'must be greater than RUN_BLOCKING_TIMEOUT_MS'
        });
    }
});
const loadGatewayConfig = (e)=>(0, _platform.parseConfig)(gatewayConfigSchema, e);

//# sourceMappingURL=gateway.config.js.map