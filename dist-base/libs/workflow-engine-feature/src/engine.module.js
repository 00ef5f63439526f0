"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "EngineModule", {
    enumerable: true,
    get: function() {
        return EngineModule;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _common = require("@nestjs/common");
const _billingclient = require("./billing/billing.client");
const _executerunusecase = require("./runs/execute-run.use-case");
const _runprocessor = require("./runs/run.processor");
const _runstaterepository = require("./runs/run-state.repository");
let EngineModule = class EngineModule {
    static register(opts) {
        return {
            module: EngineModule,
            providers: [
                {
                    provide: _executerunusecase.ENGINE_OPTIONS,
                    useValue: opts
                },
                {
                    provide: _billingclient.BILLING_OPTIONS,
                    useValue: {
                        baseUrl: opts.billingUrl,
                        internalToken: opts.internalToken
                    }
                },
                _billingclient.BillingClient,
                _runstaterepository.RunStateRepository,
                _executerunusecase.ExecuteRunUseCase,
                _runprocessor.RunProcessor
            ]
        };
    }
};
EngineModule = _ts_decorate._([
    (0, _common.Module)({})
], EngineModule);

//# sourceMappingURL=engine.module.js.map