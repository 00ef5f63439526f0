"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "ModelPoolModule", {
    enumerable: true,
    get: function() {
        return ModelPoolModule;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _common = require("@nestjs/common");
const _modelrouting = require("../../model-routing/src");
const _chatcompletionscontroller = require("./pool/chat-completions.controller");
const _chatcompletionsservice = require("./pool/chat-completions.service");
const _usageemitter = require("./pool/usage.emitter");
const _providerclients = require("./pool/provider-clients");
let ModelPoolModule = class ModelPoolModule {
    static register(opts) {
        return {
            module: ModelPoolModule,
            controllers: [
                _chatcompletionscontroller.ChatCompletionsController
            ],
            providers: [
                {
                    provide: _chatcompletionsservice.POOL_OPTIONS,
                    useValue: {
                        maxAttempts: opts.maxAttempts
                    }
                },
                {
                    provide: _chatcompletionsservice.POOL_SSE_LIMITS,
                    useValue: opts.sse
                },
                // health is per process for now; the Redis-shared store is the next model-pool issue
                {
                    provide: _modelrouting.ModelRouter,
                    useFactory: ()=>new _modelrouting.ModelRouter({
                            deployments: opts.deployments.deployments,
                            models: opts.deployments.models,
                            health: new _modelrouting.InMemoryHealthStore()
                        })
                },
                {
                    provide: _providerclients.ProviderClients,
                    useFactory: ()=>new _providerclients.ProviderClients(opts.providerFetch)
                },
                _usageemitter.UsageEmitter,
                _chatcompletionsservice.ChatCompletionsService
            ]
        };
    }
};
ModelPoolModule = _ts_decorate._([
    (0, _common.Module)({})
], ModelPoolModule);

//# sourceMappingURL=model-pool.module.js.map