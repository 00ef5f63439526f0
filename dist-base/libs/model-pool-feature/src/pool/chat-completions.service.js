// One chat completion through the pool: pick a deployment, call it, fail over before the first
// byte, stream through, and emit exactly one usage event per call.
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
    get ChatCompletionsService () {
        return ChatCompletionsService;
    },
    get POOL_OPTIONS () {
        return POOL_OPTIONS;
    },
    get POOL_SSE_LIMITS () {
        return POOL_SSE_LIMITS;
    },
    get estimatePromptTokens () {
        return estimatePromptTokens;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _modelrouting = require("../../../model-routing/src");
const _platform = require("../../../platform/src");
const _providerclients = require("./provider-clients");
const _usageemitter = require("./usage.emitter");
const POOL_OPTIONS = Symbol('POOL_OPTIONS');
const POOL_SSE_LIMITS = Symbol('POOL_SSE_LIMITS');
let ChatCompletionsService = class ChatCompletionsService {
    clients;
    router;
    usage;
    opts;
    log = (0, _platform.createLogger)('ChatCompletionsService');
    constructor(clients, router, usage, opts){
        this.clients = clients;
        this.router = router;
        this.usage = usage;
        this.opts = opts;
    }
    async complete(ctx, body, signal) {
        const startedAt = new Date();
        // A caller that leaves stops further attempts, but not the call in flight: the provider bills
        // those tokens either way, so let it finish and meter it exactly.
        const { value, deployment } = await this.route(body.model, signal, (d)=>this.client(d).chat.completions.create({
                ...body,
                model: d.upstreamModel,
                stream: false
            }));
        const usage = (0, _modelrouting.normalizeUsage)(deployment.provider, value.usage);
        await this.emit(ctx, body, deployment, usage, 'succeeded', false, startedAt);
        return {
            completion: {
                ...value,
                model: body.model
            },
            deployment
        };
    }
    /** Streams SSE to `sink`. Fails over until the provider's first chunk; after that a break is an explicit error event. */ async stream(ctx, body, sink, signal) {
        const startedAt = new Date();
        const clientWantsUsage = body.stream_options?.include_usage === true;
        const { value, deployment } = await this.route(body.model, signal, async (d)=>{
            const stream = await this.client(d).chat.completions.create({
                ...body,
                model: d.upstreamModel,
                stream: true,
                stream_options: {
                    ...body.stream_options,
                    include_usage: true
                }
            }, {
                signal
            });
            const iterator = stream[Symbol.asyncIterator]();
            const first = await iterator.next(); // failover is still possible until this arrives
            return {
                iterator,
                first
            };
        });
        sink.start({
            'x-shoal-deployment': deployment.id
        });
        let usage;
        let contentChunks = 0;
        let status = 'succeeded';
        const forward = async (chunk)=>{
            if (chunk.usage) usage = (0, _modelrouting.normalizeUsage)(deployment.provider, chunk.usage);
            if (chunk.choices?.some((c)=>c.delta?.content || c.delta?.tool_calls)) contentChunks++;
            if (!clientWantsUsage) {
                if (chunk.choices.length === 0 && chunk.usage) return; // the usage-only chunk the client did not ask for
                delete chunk.usage;
            }
            await sink.write(`data: ${JSON.stringify({
                ...chunk,
                model: body.model
            })}\n\n`);
        };
        try {
            let next = value.first;
            while(!next.done){
                await forward(next.value);
                next = await value.iterator.next();
            }
            // the SDK ends the iteration quietly when the caller aborts: that is an interrupted call, not a finished one
            if (signal.aborted) status = 'interrupted';
            else await sink.write('data: [DONE]\n\n');
        } catch (err) {
            status = 'interrupted';
            const failure = (0, _modelrouting.classifyProviderError)(err);
            if (!signal.aborted) {
                await this.router.reportFailure(deployment, failure);
                this.log.warn({
                    deployment: deployment.id,
                    kind: failure.kind,
                    message: (0, _modelrouting.redactKeyPatterns)(failure.message ?? '')
                }, 'stream broke after the first chunk');
                await sink.write(`data: ${JSON.stringify({
                    error: {
                        message: 'The upstream stream was interrupted before the answer was complete',
                        type: 'api_error',
                        param: null,
                        code: 'upstream_stream_interrupted'
                    }
                })}\n\n`);
            }
        } finally{
            sink.end();
        }
        // A stream that broke, or a provider that ignores include_usage, leaves no usage chunk. The
        // provider still bills the prompt: estimate it (4 characters a token), and the completion from
        // what was streamed (providers send about one token per chunk).
        const promptTokens = estimatePromptTokens(body.messages);
        const billed = usage ?? {
            promptTokens,
            completionTokens: contentChunks,
            totalTokens: promptTokens + contentChunks,
            cachedPromptTokens: 0,
            reasoningTokens: 0
        };
        await this.emit(ctx, body, deployment, billed, status, true, startedAt);
    }
    models() {
        return this.router.models().map((m)=>({
                id: m.name,
                object: 'model',
                created: 0,
                owned_by: 'shoal'
            }));
    }
    client(d) {
        return this.clients.get(d);
    }
    async route(model, signal, attempt) {
        try {
            return await (0, _modelrouting.runWithFailover)({
                model,
                router: this.router,
                attempt,
                signal,
                maxAttempts: this.opts.maxAttempts
            });
        } catch (err) {
            throw this.toApiError(err, model);
        }
    }
    toApiError(err, model) {
        if (err instanceof _modelrouting.UnknownModelError) return new _platform.ApiError('model_not_found', `The model '${model}' does not exist or is not configured in the pool`, {
            param: 'model'
        });
        if (err instanceof _modelrouting.AllDeploymentsFailedError) {
            const retryAfterSeconds = err.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(err.retryAfterMs / 1000));
            const code = err.clientStatus === 429 ? 'rate_limited' : err.clientStatus === 503 ? 'upstream_unavailable' : err.clientStatus === 504 ? 'timeout' : 'upstream_error';
            return new _platform.ApiError(code, err.message, {
                status: err.clientStatus,
                retryAfterSeconds
            });
        }
        if (err instanceof Error && err.name === 'AbortError') return err;
        // not worth failing over (the request itself is at fault): the provider's status and message, minus anything key-like
        const failure = (0, _modelrouting.classifyProviderError)(err);
        const message = (0, _modelrouting.redactKeyPatterns)(failure.message ?? 'The provider rejected the request');
        return new _platform.ApiError(failure.clientStatus >= 500 ? 'upstream_error' : 'invalid_request', message, {
            status: failure.clientStatus,
            ...failure.param ? {
                param: failure.param
            } : {}
        });
    }
    async emit(ctx, body, d, u, status, stream, startedAt) {
        await this.usage.emit({
            callId: ctx.callId,
            tenantId: ctx.tenantId,
            apiKeyId: ctx.apiKeyId,
            runId: ctx.runId,
            nodeId: ctx.nodeId,
            deploymentId: d.id,
            provider: d.provider,
            model: body.model,
            upstreamModel: d.upstreamModel,
            promptTokens: u.promptTokens,
            completionTokens: u.completionTokens,
            cachedPromptTokens: u.cachedPromptTokens,
            reasoningTokens: u.reasoningTokens,
            priceOverride: d.priceOverride ? {
                ...d.priceOverride
            } : null,
            status,
            stream,
            latencyMs: Date.now() - startedAt.getTime(),
            startedAt: startedAt.toISOString(),
            ...ctx.traceparent ? {
                traceparent: ctx.traceparent
            } : {}
        });
    }
};
ChatCompletionsService = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_providerclients.ProviderClients)),
    _ts_param._(1, (0, _common.Inject)(_modelrouting.ModelRouter)),
    _ts_param._(2, (0, _common.Inject)(_usageemitter.UsageEmitter)),
    _ts_param._(3, (0, _common.Inject)(POOL_OPTIONS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _providerclients.ProviderClients === "undefined" ? Object : _providerclients.ProviderClients,
        typeof _modelrouting.ModelRouter === "undefined" ? Object : _modelrouting.ModelRouter,
        typeof _usageemitter.UsageEmitter === "undefined" ? Object : _usageemitter.UsageEmitter,
        typeof PoolOptions === "undefined" ? Object : PoolOptions
    ])
], ChatCompletionsService);
function estimatePromptTokens(messages) {
    if (!Array.isArray(messages)) return 0;
    let chars = 0;
    for (const m of messages){
        const content = m?.content;
        if (typeof content === 'string') chars += content.length;
        else if (Array.isArray(content)) {
            for (const part of content)if (typeof part?.text === 'string') chars += part.text.length;
        }
    }
    return Math.ceil(chars / 4);
}

//# sourceMappingURL=chat-completions.service.js.map