// The runtime's LLM port over model-pool, through the `openai` SDK: model-pool speaks the OpenAI
// API, and the call id, tenant and run travel in the signed call context.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "ModelPoolLlmAdapter", {
    enumerable: true,
    get: function() {
        return ModelPoolLlmAdapter;
    }
});
const _interop_require_default = require("@swc/helpers/_/_interop_require_default");
const _openai = /*#__PURE__*/ _interop_require_default._(require("openai"));
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
let ModelPoolLlmAdapter = class ModelPoolLlmAdapter {
    internalToken;
    caller;
    client;
    constructor(baseUrl, internalToken, caller){
        this.internalToken = internalToken;
        this.caller = caller;
        // SDK retries stay on for the hop to model-pool (connection resets, 5xx of model-pool itself);
        // model-pool does its own provider failover behind that.
        this.client = new _openai.default({
            apiKey: internalToken,
            baseURL: `${baseUrl}${_contracts.ROUTE_PREFIX.modelPool}/v1`,
            maxRetries: 2,
            timeout: 600_000
        });
    }
    async chat(req) {
        const headers = (0, _platform.internalHeaders)(this.internalToken, {
            tenantId: this.caller.tenantId,
            apiKeyId: this.caller.apiKeyId,
            runId: req.runId,
            callId: req.callId,
            nodeId: req.nodeId
        }, {
            traceparent: this.caller.traceparent
        });
        const params = {
            model: req.model,
            messages: req.messages,
            ...req.params
        };
        if (!req.onChunk) {
            const res = await this.client.chat.completions.create({
                ...params,
                stream: false
            }, {
                headers,
                signal: req.signal
            });
            const choice = res.choices[0];
            const reasoning = choice?.message?.reasoning_content;
            return {
                text: choice?.message?.content ?? '',
                ...reasoning ? {
                    reasoningContent: reasoning
                } : {},
                usage: {
                    promptTokens: res.usage?.prompt_tokens ?? 0,
                    completionTokens: res.usage?.completion_tokens ?? 0,
                    totalTokens: res.usage?.total_tokens ?? 0
                },
                model: res.model,
                finishReason: choice?.finish_reason ?? null
            };
        }
        const stream = await this.client.chat.completions.create({
            ...params,
            stream: true,
            stream_options: {
                include_usage: true
            }
        }, {
            headers,
            signal: req.signal
        });
        let text = '';
        let reasoning = '';
        let finishReason = null;
        let usage = {
            promptTokens: 0,
            completionTokens: 0,
            totalTokens: 0
        };
        let model = req.model;
        for await (const chunk of stream){
            // model-pool reports a stream broken after its first byte as an error event
            const error = chunk.error;
            if (error) throw new Error(error.message ?? 'the model stream was interrupted');
            model = chunk.model ?? model;
            const choice = chunk.choices[0];
            const delta = choice?.delta?.content;
            const r = choice?.delta?.reasoning_content;
            if (r) reasoning += r;
            if (delta) {
                text += delta;
                req.onChunk(delta);
            }
            if (choice?.finish_reason) finishReason = choice.finish_reason;
            if (chunk.usage) usage = {
                promptTokens: chunk.usage.prompt_tokens,
                completionTokens: chunk.usage.completion_tokens,
                totalTokens: chunk.usage.total_tokens
            };
        }
        return {
            text,
            ...reasoning ? {
                reasoningContent: reasoning
            } : {},
            usage,
            model,
            finishReason
        };
    }
};

//# sourceMappingURL=model-pool.llm-adapter.js.map