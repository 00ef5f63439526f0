"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "ChatCompletionsController", {
    enumerable: true,
    get: function() {
        return ChatCompletionsController;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
const _chatcompletionsservice = require("./chat-completions.service");
const _poolcallcontext = require("./pool-call-context");
let ChatCompletionsController = class ChatCompletionsController {
    chat;
    sse;
    constructor(chat, sse){
        this.chat = chat;
        this.sse = sse;
    }
    async create(internal, raw, req, reply) {
        const body = (0, _platform.parseBody)(_contracts.chatCompletionRequestSchema, raw);
        const ctx = (0, _poolcallcontext.poolCallContext)(internal, req.headers.traceparent);
        const signal = (0, _platform.clientGone)(reply);
        if (!body.stream) {
            const { completion, deployment } = await this.chat.complete(ctx, body, signal);
            reply.header('x-shoal-call-id', ctx.callId).header('x-shoal-deployment', deployment.id).send(completion);
            return;
        }
        let sse;
        await this.chat.stream(ctx, body, {
            start: (headers)=>{
                sse = _platform.SseStream.open(reply, this.sse, {
                    'x-shoal-call-id': ctx.callId,
                    ...headers
                });
            },
            // the provider's stream is pulled no faster than the client reads; a client that stalls is cut (clientGone then stops the provider call)
            write: async (data)=>void await sse?.writeAndDrain(data),
            end: ()=>sse?.end()
        }, signal);
    }
    models() {
        return {
            object: 'list',
            data: this.chat.models()
        };
    }
};
_ts_decorate._([
    (0, _common.Post)('chat/completions'),
    (0, _common.HttpCode)(200),
    _ts_param._(0, (0, _platform.InternalCtx)()),
    _ts_param._(1, (0, _common.Body)()),
    _ts_param._(2, (0, _common.Req)()),
    _ts_param._(3, (0, _common.Res)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof VerifiedInternalContext === "undefined" ? Object : VerifiedInternalContext,
        Object,
        typeof FastifyRequest === "undefined" ? Object : FastifyRequest,
        typeof FastifyReply === "undefined" ? Object : FastifyReply
    ]),
    _ts_metadata._("design:returntype", Promise)
], ChatCompletionsController.prototype, "create", null);
_ts_decorate._([
    (0, _common.Get)('models'),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", []),
    _ts_metadata._("design:returntype", void 0)
], ChatCompletionsController.prototype, "models", null);
ChatCompletionsController = _ts_decorate._([
    (0, _common.Controller)(`${_contracts.ROUTE_PREFIX.modelPool}/v1`),
    (0, _common.UseGuards)(_platform.InternalTokenGuard),
    _ts_param._(0, (0, _common.Inject)(_chatcompletionsservice.ChatCompletionsService)),
    _ts_param._(1, (0, _common.Inject)(_chatcompletionsservice.POOL_SSE_LIMITS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _chatcompletionsservice.ChatCompletionsService === "undefined" ? Object : _chatcompletionsservice.ChatCompletionsService,
        typeof SseLimits === "undefined" ? Object : SseLimits
    ])
], ChatCompletionsController);

//# sourceMappingURL=chat-completions.controller.js.map