"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "GatewayModule", {
    enumerable: true,
    get: function() {
        return GatewayModule;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _workflowlimits = require("./workflows/workflow-limits");
const _common = require("@nestjs/common");
const _chatcompletionscontroller = require("./openai/chat-completions.controller");
const _modelpoolclient = require("./openai/model-pool.client");
const _workflowscontroller = require("./workflows/workflows.controller");
const _workflowsrepository = require("./workflows/workflows.repository");
const _workflowsservice = require("./workflows/workflows.service");
const _workflowdslservice = require("./workflows/workflow-dsl.service");
const _runscontroller = require("./runs/runs.controller");
const _streamslots = require("./streams/stream-slots");
const _runsrepository = require("./runs/runs.repository");
const _runsservice = require("./runs/runs.service");
const _bootstrapkeyservice = require("./keys/bootstrap-key.service");
const _billingclient = require("./usage/billing.client");
const _usagecontroller = require("./usage/usage.controller");
let GatewayModule = class GatewayModule {
    static register(opts) {
        return {
            module: GatewayModule,
            controllers: [
                _chatcompletionscontroller.ChatCompletionsController,
                _workflowscontroller.WorkflowsController,
                _runscontroller.RunsController,
                _usagecontroller.UsageController
            ],
            providers: [
                {
                    provide: _modelpoolclient.MODEL_POOL_OPTIONS,
                    useValue: opts.modelPool
                },
                {
                    provide: _workflowlimits.WORKFLOW_LIMITS,
                    useValue: opts.workflowLimits ?? _workflowlimits.DEFAULT_WORKFLOW_LIMITS
                },
                {
                    provide: _billingclient.GATEWAY_BILLING_OPTIONS,
                    useValue: opts.billing
                },
                _billingclient.GatewayBillingClient,
                {
                    provide: _bootstrapkeyservice.BOOTSTRAP_KEY,
                    useValue: opts.bootstrapKey
                },
                {
                    provide: _runscontroller.BLOCKING_TIMEOUT_MS,
                    useValue: opts.blockingTimeoutMs
                },
                {
                    provide: _runscontroller.SSE_LIMITS,
                    useValue: opts.sse
                },
                {
                    provide: _streamslots.STREAM_LIMITS,
                    useValue: opts.streams
                },
                _streamslots.StreamSlots,
                _modelpoolclient.ModelPoolClient,
                _workflowsrepository.WorkflowsRepository,
                _workflowsservice.WorkflowsService,
                _workflowdslservice.WorkflowDslService,
                _runsrepository.RunsRepository,
                _runsservice.RunsService,
                _bootstrapkeyservice.BootstrapKeyService
            ],
            exports: [
                _bootstrapkeyservice.BootstrapKeyService
            ]
        };
    }
};
GatewayModule = _ts_decorate._([
    (0, _common.Module)({})
], GatewayModule);

//# sourceMappingURL=gateway.module.js.map