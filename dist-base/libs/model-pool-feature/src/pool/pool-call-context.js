"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "poolCallContext", {
    enumerable: true,
    get: function() {
        return poolCallContext;
    }
});
const _contracts = require("../../../contracts/src");
function poolCallContext(ctx, traceparent) {
    return {
        callId: ctx.callId ?? (0, _contracts.newId)('chatcmpl'),
        tenantId: ctx.tenantId,
        apiKeyId: ctx.apiKeyId,
        runId: ctx.runId,
        nodeId: ctx.nodeId,
        traceparent: typeof traceparent === 'string' && traceparent.length > 0 ? traceparent : undefined
    };
}

//# sourceMappingURL=pool-call-context.js.map