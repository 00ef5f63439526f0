// workflow-engine: BullMQ workers that execute workflow runs. Its HTTP port serves health only.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
require("reflect-metadata");
const _platform = require("../../../libs/platform/src");
const _engineconfig = require("./engine.config");
const _workflowenginefeature = require("../../../libs/workflow-engine-feature/src");
(0, _platform.runService)('workflow-engine', ()=>(0, _engineconfig.loadEngineConfig)(process.env), (config)=>_workflowenginefeature.EngineModule.register({
        modelPoolUrl: config.MODEL_POOL_URL,
        billingUrl: config.BILLING_URL,
        internalToken: config.SHOAL_INTERNAL_TOKEN,
        concurrency: config.ENGINE_CONCURRENCY,
        costWaitMs: 10_000,
        workflowLimits: (0, _platform.workflowLimitsOf)(config)
    }));

//# sourceMappingURL=main.js.map