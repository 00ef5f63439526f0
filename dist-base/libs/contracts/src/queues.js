// Queue names, job payloads and their validation. Producers and consumers share these;
// consumers validate on receipt (a payload from an older or newer producer must fail loudly).
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
    get QUEUES () {
        return QUEUES;
    },
    get QUEUE_DEFAULTS () {
        return QUEUE_DEFAULTS;
    },
    get runJobSchema () {
        return runJobSchema;
    },
    get usageEventSchema () {
        return usageEventSchema;
    }
});
const _zod = require("zod");
const QUEUES = {
    workflowRuns: 'workflow-runs',
    usageEvents: 'usage-events'
};
const runJobSchema = _zod.z.object({
    runId: _zod.z.string().startsWith('run_'),
    traceparent: _zod.z.string().optional()
});
const decimalString = _zod.z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number as a string');
const usageEventSchema = _zod.z.object({
    /** Shoal's own id for the call: stable across retries of one node attempt, unique per ledger row. */ callId: _zod.z.string().min(1).max(200),
    tenantId: _zod.z.string().min(1),
    apiKeyId: _zod.z.string().nullable(),
    runId: _zod.z.string().nullable(),
    nodeId: _zod.z.string().nullable(),
    deploymentId: _zod.z.string(),
    provider: _zod.z.string(),
    model: _zod.z.string(),
    upstreamModel: _zod.z.string(),
    promptTokens: _zod.z.number().int().nonnegative(),
    completionTokens: _zod.z.number().int().nonnegative(),
    cachedPromptTokens: _zod.z.number().int().nonnegative().default(0),
    reasoningTokens: _zod.z.number().int().nonnegative().default(0),
    /** A deployment-level price override, per million tokens; the catalog applies when absent. */ priceOverride: _zod.z.object({
        inputPerMillion: decimalString,
        outputPerMillion: decimalString,
        cachedInputPerMillion: decimalString.optional(),
        currency: _zod.z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')
    }).nullable().default(null),
    status: _zod.z.enum([
        'succeeded',
        'failed',
        'interrupted'
    ]),
    stream: _zod.z.boolean(),
    latencyMs: _zod.z.number().int().nonnegative(),
    startedAt: _zod.z.iso.datetime({
        offset: true
    }),
    traceparent: _zod.z.string().optional()
}).refine((e)=>e.cachedPromptTokens <= e.promptTokens, {
    path: [
        'cachedPromptTokens'
    ],
    message: 'is part of promptTokens and cannot exceed it'
}).refine((e)=>e.reasoningTokens <= e.completionTokens, {
    path: [
        'reasoningTokens'
    ],
    message: 'is part of completionTokens and cannot exceed it'
});
const QUEUE_DEFAULTS = {
    'workflow-runs': {
        attempts: 5,
        backoffMs: 1000
    },
    'usage-events': {
        attempts: 20,
        backoffMs: 500
    }
};

//# sourceMappingURL=queues.js.map