// Fault injection switches of the mock provider, and how a request picks the fault it gets.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
function _export(target, all) {
    for(var name in all)Object.defineProperty(target, name, {
        enumerable: true,
        get: Object.getOwnPropertyDescriptor(all, name).get
    });
}
_export(exports, {
    get FAULT_HEADER () {
        return FAULT_HEADER;
    },
    get faultApplies () {
        return faultApplies;
    },
    get faultSpecSchema () {
        return faultSpecSchema;
    },
    get parseFaultHeader () {
        return parseFaultHeader;
    },
    get validateFaultSpec () {
        return validateFaultSpec;
    }
});
const _zod = require("zod");
const ms = _zod.z.number().int().nonnegative();
const faultSpecSchema = _zod.z.strictObject({
    status: _zod.z.number().int().min(400).max(599).optional(),
    retryAfter: _zod.z.number().nonnegative().optional(),
    errorBody: _zod.z.record(_zod.z.string(), _zod.z.unknown()).optional(),
    latencyMs: ms.optional(),
    stallBeforeFirstTokenMs: ms.optional(),
    interChunkDelayMs: ms.optional(),
    cutAfterChunks: _zod.z.number().int().nonnegative().optional(),
    malformedChunkAt: _zod.z.number().int().positive().optional(),
    times: _zod.z.number().int().positive().optional(),
    onlyModels: _zod.z.array(_zod.z.string()).optional()
});
const FAULT_HEADER = 'x-mock-fault';
function validateFaultSpec(spec, where) {
    const parsed = faultSpecSchema.safeParse(spec);
    if (!parsed.success) throw new Error(`${where}: ${describeIssues(parsed.error)}`);
    return parsed.data;
}
function parseFaultHeader(value) {
    let json;
    try {
        json = JSON.parse(value);
    } catch  {
        return `${FAULT_HEADER} header is not valid JSON`;
    }
    const parsed = faultSpecSchema.safeParse(json);
    return parsed.success ? parsed.data : `${FAULT_HEADER} header: ${describeIssues(parsed.error)}`;
}
function faultApplies(spec, model) {
    return !spec.onlyModels || spec.onlyModels.includes(model);
}
function describeIssues(error) {
    return error.issues.map((i)=>`${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

//# sourceMappingURL=fault-spec.js.map