// The four services' modules in one Nest application, calling each other over HTTP on this
// process's own port, with an in-process queue instead of Redis and run events kept in Postgres.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "StandaloneModule", {
    enumerable: true,
    get: function() {
        return StandaloneModule;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _common = require("@nestjs/common");
const _platform = require("../../../libs/platform/src");
const _gatewayfeature = require("../../../libs/gateway-feature/src");
const _workflowenginefeature = require("../../../libs/workflow-engine-feature/src");
const _modelpoolfeature = require("../../../libs/model-pool-feature/src");
const _billingfeature = require("../../../libs/billing-feature/src");
let StandaloneModule = class StandaloneModule {
    static register(o) {
        const internal = {
            baseUrl: o.selfUrl,
            internalToken: o.internalToken
        };
        const sse = o.limits?.sse ?? _platform.DEFAULT_SSE_LIMITS;
        return {
            module: StandaloneModule,
            imports: [
                _platform.PlatformModule.forRoot({
                    database: {
                        url: o.databaseUrl,
                        maxConnections: o.databaseConnections
                    },
                    redis: 'memory',
                    runEventStore: 'database',
                    internalToken: o.internalToken,
                    auth: o.limits?.auth,
                    runEvents: o.limits?.runEvents
                }),
                _gatewayfeature.GatewayModule.register({
                    modelPool: internal,
                    billing: internal,
                    bootstrapKey: o.bootstrapKey,
                    blockingTimeoutMs: 300_000,
                    sse,
                    streams: o.limits?.streams ?? _gatewayfeature.DEFAULT_STREAM_LIMITS,
                    workflowLimits: o.limits?.workflow
                }),
                _workflowenginefeature.EngineModule.register({
                    modelPoolUrl: o.selfUrl,
                    billingUrl: o.selfUrl,
                    internalToken: o.internalToken,
                    concurrency: o.engineConcurrency,
                    costWaitMs: 10_000,
                    workflowLimits: o.limits?.workflow
                }),
                _modelpoolfeature.ModelPoolModule.register({
                    deployments: o.deployments,
                    maxAttempts: 3,
                    providerFetch: o.providerFetch,
                    sse
                }),
                _billingfeature.BillingModule.register({
                    usageConcurrency: 4
                })
            ]
        };
    }
};
StandaloneModule = _ts_decorate._([
    (0, _common.Module)({})
], StandaloneModule);

//# sourceMappingURL=standalone.module.js.map