// The OpenAI-compatible edge: an unmodified OpenAI client pointed at Shoal works, streaming included.
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
const _runscontroller = require("../runs/runs.controller");
const _streamslots = require("../streams/stream-slots");
const _modelpoolclient = require("./model-pool.client");
let ChatCompletionsController = class ChatCompletionsController {
    pool;
    slots;
    sse;
    log = (0, _platform.createLogger)('ChatCompletionsController');
    constructor(pool, slots, sse){
        this.pool = pool;
        this.slots = slots;
        this.sse = sse;
    }
    async create(ctx, body, reply) {
        const request = (0, _platform.parseBody)(_contracts.chatCompletionRequestSchema, body);
        const release = request.stream ? this.slots.acquire(ctx.apiKeyId, null) : undefined;
        try {
            // the client went away: stop the upstream call too (and stop paying for its tokens)
            const res = await this.pool.chatCompletions(ctx, body, (0, _platform.clientGone)(reply));
            if (res.body && res.headers['content-type']?.startsWith('text/event-stream')) return await this.relay(reply, res, res.body);
            send(reply, res);
        } finally{
            release?.();
        }
    }
    async models(ctx, reply) {
        send(reply, await this.pool.models(ctx));
    }
    /** Passes an SSE answer through as bytes, no faster than the client reads; a reader that stalls is cut, and the upstream call with it. */ async relay(reply, res, upstream) {
        const sse = _platform.SseStream.open(reply, this.sse, res.headers, res.status);
        try {
            for await (const chunk of upstream)if (!await sse.writeAndDrain(chunk)) break;
        } catch (err) {
            // the upstream broke off mid-stream: end what the client has (model-pool sends an error event when it can)
            if (!sse.signal.aborted) this.log.warn({
                err
            }, 'model-pool stream broke off');
        } finally{
            upstream.destroy();
            sse.end();
        }
    }
};
_ts_decorate._([
    (0, _common.Post)('chat/completions'),
    (0, _common.HttpCode)(200),
    _ts_param._(0, (0, _platform.Ctx)()),
    _ts_param._(1, (0, _common.Body)()),
    _ts_param._(2, (0, _common.Res)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof RequestContext === "undefined" ? Object : RequestContext,
        Object,
        typeof FastifyReply === "undefined" ? Object : FastifyReply
    ]),
    _ts_metadata._("design:returntype", Promise)
], ChatCompletionsController.prototype, "create", null);
_ts_decorate._([
    (0, _common.Get)('models'),
    _ts_param._(0, (0, _platform.Ctx)()),
    _ts_param._(1, (0, _common.Res)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof RequestContext === "undefined" ? Object : RequestContext,
        typeof FastifyReply === "undefined" ? Object : FastifyReply
    ]),
    _ts_metadata._("design:returntype", Promise)
], ChatCompletionsController.prototype, "models", null);
ChatCompletionsController = _ts_decorate._([
    (0, _common.Controller)('v1'),
    (0, _common.UseGuards)(_platform.ApiKeyGuard),
    _ts_param._(0, (0, _common.Inject)(_modelpoolclient.ModelPoolClient)),
    _ts_param._(1, (0, _common.Inject)(_streamslots.StreamSlots)),
    _ts_param._(2, (0, _common.Inject)(_runscontroller.SSE_LIMITS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _modelpoolclient.ModelPoolClient === "undefined" ? Object : _modelpoolclient.ModelPoolClient,
        typeof _streamslots.StreamSlots === "undefined" ? Object : _streamslots.StreamSlots,
        typeof SseLimits === "undefined" ? Object : SseLimits
    ])
], ChatCompletionsController);
function send(reply, res) {
    reply.status(res.status).headers(res.headers);
    reply.send(res.body ?? '');
}

//# sourceMappingURL=chat-completions.controller.js.map