// What Shoal itself reads of an OpenAI chat completion request (gateway and model-pool): enough to
// route it and fail early. Every other field passes through to the provider untouched. Sampling
// parameters are checked against the ranges OpenAI and DeepSeek accept, so a bad one is refused
// here, with its name, instead of by a provider (or not at all).
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "chatCompletionRequestSchema", {
    enumerable: true,
    get: function() {
        return chatCompletionRequestSchema;
    }
});
const _zod = require("zod");
const between = (min, max)=>_zod.z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`).nullish();
const positiveInt = _zod.z.number().int('must be an integer').positive('must be a positive integer').nullish();
const chatCompletionRequestSchema = _zod.z.looseObject({
    model: _zod.z.string().min(1),
    messages: _zod.z.array(_zod.z.looseObject({
        role: _zod.z.string().min(1)
    })).min(1, 'must contain at least one message'),
    stream: _zod.z.boolean().optional(),
    stream_options: _zod.z.looseObject({
        include_usage: _zod.z.boolean().optional()
    }).nullish(),
    temperature: between(0, 2),
    top_p: between(0, 1),
    presence_penalty: between(-2, 2),
    frequency_penalty: between(-2, 2),
    max_tokens: positiveInt,
    max_completion_tokens: positiveInt,
    // one answer per request: usage, metering and streaming relay assume a single choice
    n: _zod.z.number().int('must be an integer').min(1, 'must be 1').max(1, 'must be 1: Shoal returns one choice per request').nullish()
});

//# sourceMappingURL=chat-request.js.map