"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "ProviderClients", {
    enumerable: true,
    get: function() {
        return ProviderClients;
    }
});
const _interop_require_default = require("@swc/helpers/_/_interop_require_default");
const _openai = /*#__PURE__*/ _interop_require_default._(require("openai"));
let ProviderClients = class ProviderClients {
    fetchByDeployment;
    clients = new Map();
    /** `fetchByDeployment`: deployments (by id) whose provider is called through the given fetch instead of HTTP */ constructor(fetchByDeployment = new Map()){
        this.fetchByDeployment = fetchByDeployment;
    }
    get(d) {
        let c = this.clients.get(d.id);
        if (!c) {
            const fetch = this.fetchByDeployment.get(d.id);
            c = new _openai.default({
                apiKey: d.apiKey.reveal(),
                baseURL: d.baseUrl,
                maxRetries: 0,
                timeout: d.timeoutMs ?? 600_000,
                ...fetch ? {
                    fetch
                } : {}
            });
            this.clients.set(d.id, c);
        }
        return c;
    }
};

//# sourceMappingURL=provider-clients.js.map