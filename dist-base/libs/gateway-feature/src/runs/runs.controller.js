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
    get BLOCKING_TIMEOUT_MS () {
        return BLOCKING_TIMEOUT_MS;
    },
    get RunsController () {
        return RunsController;
    },
    get SSE_LIMITS () {
        return SSE_LIMITS;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _zod = require("zod");
const _platform = require("../../../platform/src");
const _streamslots = require("../streams/stream-slots");
const _runsservice = require("./runs.service");
const _runpresenter = require("./run.presenter");
const startRunSchema = _zod.z.object({
    inputs: _zod.z.record(_zod.z.string(), _zod.z.unknown()).default({}),
    response_mode: _zod.z.enum([
        'blocking',
        'streaming'
    ]).default('blocking'),
    user: _zod.z.string().max(256).optional()
});
const BLOCKING_TIMEOUT_MS = Symbol('BLOCKING_TIMEOUT_MS');
const SSE_LIMITS = Symbol('SSE_LIMITS');
const PING_MS = 10_000;
const PING = 'event: ping\ndata: {"event":"ping"}\n\n';
let RunsController = class RunsController {
    runs;
    slots;
    blockingTimeoutMs;
    sse;
    constructor(runs, slots, blockingTimeoutMs, sse){
        this.runs = runs;
        this.slots = slots;
        this.blockingTimeoutMs = blockingTimeoutMs;
        this.sse = sse;
    }
    async start(ctx, workflowId, body, reply) {
        const input = (0, _platform.parseBody)(startRunSchema, body ?? {});
        if (input.response_mode === 'streaming') {
            // a stream beyond the key's limit is refused before the run exists
            const release = this.slots.acquire(ctx.apiKeyId, null);
            try {
                return await this.stream(ctx, await this.runs.start(ctx, workflowId, input), 0, reply);
            } finally{
                release();
            }
        }
        const run = await this.runs.start(ctx, workflowId, input);
        const finished = await this.runs.waitForEnd(ctx, run.id, AbortSignal.any([
            AbortSignal.timeout(this.blockingTimeoutMs),
            (0, _platform.clientGone)(reply)
        ]));
        // still running when the wait ran out: 202 and where to look
        reply.status(finished.finishedAt ? 200 : 202).send((0, _runpresenter.presentRun)(finished));
    }
    async get(ctx, id) {
        return (0, _runpresenter.presentRunWithNodes)(await this.runs.get(ctx, id));
    }
    /**
   * Server-sent events of a run; reconnect with Last-Event-ID to continue where you left off. A
   * finished run whose events the client already has answers 204, which tells EventSource to stop
   * reconnecting.
   */ async events(ctx, id, lastEventId, reply) {
        // a sequence number, or start from the beginning (as EventSource does with an id it does not know)
        const after = /^\d{1,15}$/.test(lastEventId?.trim() ?? '') ? Number(lastEventId) : 0;
        const { run, replayed } = await this.runs.openStream(ctx, id, after); // 404 before the stream starts
        if (replayed) return void reply.status(204).send();
        const release = this.slots.acquire(ctx.apiKeyId, run.id);
        try {
            await this.stream(ctx, run, after, reply);
        } finally{
            release();
        }
    }
    async stream(ctx, run, afterSeq, reply) {
        const sse = _platform.SseStream.open(reply, this.sse, {
            'x-shoal-run-id': run.id
        });
        const ping = setInterval(()=>sse.keepAlive(PING), PING_MS);
        // pushed events cannot wait for a slow reader: one that falls too far behind is cut, and
        // reconnects with Last-Event-ID (the events are stored)
        const write = (e)=>void sse.write(`id: ${e.sequence}\ndata: ${JSON.stringify(e)}\n\n`);
        try {
            await this.runs.follow(ctx, run.id, afterSeq, write, sse.signal, run);
        } finally{
            clearInterval(ping);
            sse.end();
        }
    }
};
_ts_decorate._([
    (0, _common.Post)('workflows/:id/runs'),
    _ts_param._(0, (0, _platform.Ctx)()),
    _ts_param._(1, (0, _common.Param)('id')),
    _ts_param._(2, (0, _common.Body)()),
    _ts_param._(3, (0, _common.Res)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof RequestContext === "undefined" ? Object : RequestContext,
        String,
        Object,
        typeof FastifyReply === "undefined" ? Object : FastifyReply
    ]),
    _ts_metadata._("design:returntype", Promise)
], RunsController.prototype, "start", null);
_ts_decorate._([
    (0, _common.Get)('runs/:id'),
    _ts_param._(0, (0, _platform.Ctx)()),
    _ts_param._(1, (0, _common.Param)('id')),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof RequestContext === "undefined" ? Object : RequestContext,
        String
    ]),
    _ts_metadata._("design:returntype", Promise)
], RunsController.prototype, "get", null);
_ts_decorate._([
    (0, _common.Get)('runs/:id/events'),
    _ts_param._(0, (0, _platform.Ctx)()),
    _ts_param._(1, (0, _common.Param)('id')),
    _ts_param._(2, (0, _common.Headers)('last-event-id')),
    _ts_param._(3, (0, _common.Res)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof RequestContext === "undefined" ? Object : RequestContext,
        String,
        Object,
        typeof FastifyReply === "undefined" ? Object : FastifyReply
    ]),
    _ts_metadata._("design:returntype", Promise)
], RunsController.prototype, "events", null);
RunsController = _ts_decorate._([
    (0, _common.Controller)('v1'),
    (0, _common.UseGuards)(_platform.ApiKeyGuard),
    _ts_param._(0, (0, _common.Inject)(_runsservice.RunsService)),
    _ts_param._(1, (0, _common.Inject)(_streamslots.StreamSlots)),
    _ts_param._(2, (0, _common.Inject)(BLOCKING_TIMEOUT_MS)),
    _ts_param._(3, (0, _common.Inject)(SSE_LIMITS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _runsservice.RunsService === "undefined" ? Object : _runsservice.RunsService,
        typeof _streamslots.StreamSlots === "undefined" ? Object : _streamslots.StreamSlots,
        Number,
        typeof SseLimits === "undefined" ? Object : SseLimits
    ])
], RunsController);

//# sourceMappingURL=runs.controller.js.map