// gateway: the public edge (API keys, REST, the OpenAI-compatible API, run events).
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
require("reflect-metadata");
const _platform = require("../../../libs/platform/src");
const _gatewayconfig = require("./gateway.config");
const _gatewayfeature = require("../../../libs/gateway-feature/src");
(0, _platform.runService)('gateway', ()=>(0, _gatewayconfig.loadGatewayConfig)(process.env), (config)=>_gatewayfeature.GatewayModule.register({
        modelPool: {
            baseUrl: config.MODEL_POOL_URL,
            internalToken: config.SHOAL_INTERNAL_TOKEN
        },
        billing: {
            baseUrl: config.BILLING_URL,
            internalToken: config.SHOAL_INTERNAL_TOKEN
        },
        bootstrapKey: config.SHOAL_BOOTSTRAP_KEY,
        blockingTimeoutMs: config.RUN_BLOCKING_TIMEOUT_MS,
        sse: (0, _platform.sseLimitsOf)(config),
        streams: {
            maxPerKey: config.SSE_MAX_STREAMS_PER_KEY,
            maxPerRun: config.SSE_MAX_STREAMS_PER_RUN
        },
        workflowLimits: (0, _platform.workflowLimitsOf)(config)
    }));

//# sourceMappingURL=main.js.map