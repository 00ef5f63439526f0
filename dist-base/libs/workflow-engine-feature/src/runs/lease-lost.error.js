/**
 * Another worker has taken this run over (this one stalled past its queue lock): whatever this
 * worker was doing for the run must stop, and none of its writes may land.
 */ "use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "LeaseLostError", {
    enumerable: true,
    get: function() {
        return LeaseLostError;
    }
});
let LeaseLostError = class LeaseLostError extends Error {
    runId;
    code = 'lease_lost';
    constructor(runId){
        super(`run ${runId} was taken over by another worker`), this.runId = runId;
        this.name = 'LeaseLostError';
    }
};

//# sourceMappingURL=lease-lost.error.js.map