"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "AllDeploymentsFailedError", {
    enumerable: true,
    get: function() {
        return AllDeploymentsFailedError;
    }
});
let AllDeploymentsFailedError = class AllDeploymentsFailedError extends Error {
    code = 'all_deployments_failed';
    model;
    attempts;
    lastFailure;
    kind;
    clientStatus;
    retryAfterMs;
    constructor(details){
        const tried = details.attempts.length;
        super(tried === 0 ? `Every deployment of model "${details.model}" is cooling down (${details.kind})` : `All deployments of model "${details.model}" failed after ${tried} attempt${tried === 1 ? '' : 's'} (last: ${details.kind})`);
        this.name = 'AllDeploymentsFailedError';
        this.model = details.model;
        this.attempts = details.attempts;
        this.lastFailure = details.lastFailure;
        this.kind = details.kind;
        this.clientStatus = details.clientStatus;
        this.retryAfterMs = details.retryAfterMs;
    }
};

//# sourceMappingURL=all-deployments-failed.error.js.map