// The part of an OpenAI chat completion request the mock reads; everything else (temperature,
// tools, ...) is accepted and ignored, as a lenient provider would.
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
    get chatRequestSchema () {
        return chatRequestSchema;
    },
    get describeProblem () {
        return describeProblem;
    }
});
const _zod = require("zod");
const contentPart = _zod.z.looseObject({
    type: _zod.z.string(),
    text: _zod.z.string().optional()
});
const chatRequestSchema = _zod.z.looseObject({
    model: _zod.z.string().min(1),
    messages: _zod.z.array(_zod.z.looseObject({
        role: _zod.z.string(),
        content: _zod.z.union([
            _zod.z.string(),
            _zod.z.array(contentPart),
            _zod.z.null()
        ]).optional()
    })).min(1),
    stream: _zod.z.boolean().nullish(),
    stream_options: _zod.z.looseObject({
        include_usage: _zod.z.boolean().nullish()
    }).nullish(),
    max_tokens: _zod.z.number().int().positive().nullish(),
    max_completion_tokens: _zod.z.number().int().positive().nullish()
});
function describeProblem(error, body) {
    const issue = error.issues[0];
    const param = issue.path.reduce((acc, key)=>typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key), '');
    if (isMissing(body, issue.path)) {
        return {
            message: `Missing required parameter: '${param}'.`,
            param,
            code: 'missing_required_parameter'
        };
    }
    return {
        message: `Invalid value for '${param}': ${issue.message}.`,
        param,
        code: issue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value'
    };
}
function isMissing(body, path) {
    let node = body;
    for (const key of path){
        if (node === null || typeof node !== 'object' || !(key in node)) return true;
        node = node[key];
    }
    return node === undefined;
}

//# sourceMappingURL=chat-request.js.map