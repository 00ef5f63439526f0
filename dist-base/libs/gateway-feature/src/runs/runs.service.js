"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "RunsService", {
    enumerable: true,
    get: function() {
        return RunsService;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
const _workflowsservice = require("../workflows/workflows.service");
const _runsrepository = require("./runs.repository");
let RunsService = class RunsService {
    workflows;
    runs;
    queue;
    events;
    log = (0, _platform.createLogger)('RunsService');
    // ends every open event stream and blocking wait, so the HTTP server can close
    shuttingDown = new AbortController();
    constructor(workflows, runs, queue, events){
        this.workflows = workflows;
        this.runs = runs;
        this.queue = queue;
        this.events = events;
    }
    /** Validate the inputs, write the queued run, enqueue it. Bad input writes nothing. */ async start(ctx, workflowId, input) {
        const wf = await this.workflows.get(ctx, workflowId);
        const checked = this.workflows.validateInputs(wf.graph, input.inputs);
        if (!checked.ok) {
            // the DSL already roots these at `inputs`
            const issues = checked.issues.map((i)=>({
                    path: i.path,
                    message: i.message,
                    code: i.code
                }));
            throw _platform.ApiError.validation(`Invalid inputs: ${issues.map((i)=>i.message).join('; ')}`, issues);
        }
        const run = await this.runs.createQueued(ctx.tenantId, {
            id: (0, _contracts.newId)('run'),
            workflowId: wf.id,
            workflowVersionId: wf.version.id,
            apiKeyId: ctx.apiKeyId,
            inputs: checked.inputs,
            responseMode: input.response_mode,
            endUser: input.user ?? null,
            traceId: ctx.traceparent?.split('-')[1] ?? null
        });
        const job = {
            runId: run.id,
            ...ctx.traceparent ? {
                traceparent: ctx.traceparent
            } : {}
        };
        try {
            await this.queue.enqueue(_contracts.QUEUES.workflowRuns, job, {
                jobId: run.id
            });
        } catch (err) {
            this.log.error({
                err,
                runId: run.id
            }, 'could not enqueue run');
            await this.runs.markUnqueued(ctx.tenantId, run.id, 'The run could not be queued');
            throw new _platform.ApiError('upstream_unavailable', 'The run queue is unavailable; the run was not started', {
                retryAfterSeconds: 1
            });
        }
        return run;
    }
    beforeApplicationShutdown() {
        this.shuttingDown.abort();
    }
    /** Resolves when the run has finished (or `signal` aborted: a timeout, the client gone) with the run as stored. */ async waitForEnd(ctx, runId, signal) {
        await this.untilFinished(runId, 0, ()=>undefined, signal);
        const run = await this.runs.find(ctx.tenantId, runId);
        if (!run) throw _platform.ApiError.notFound('Run', runId);
        return run;
    }
    async get(ctx, runId) {
        if (!(0, _contracts.looksLikeId)(runId, 'run')) throw _platform.ApiError.notFound('Run', runId);
        const run = await this.runs.findWithNodes(ctx.tenantId, runId);
        if (!run || ctx.workflowId && run.workflowId !== ctx.workflowId) throw _platform.ApiError.notFound('Run', runId);
        return run;
    }
    /**
   * The run an event stream is about to follow, by a light query (no node executions); a key bound
   * to another workflow does not see it. `replayed` when the run has finished and the client has
   * every one of its events already: there is nothing to stream.
   */ async openStream(ctx, runId, afterSeq) {
        if (!(0, _contracts.looksLikeId)(runId, 'run')) throw _platform.ApiError.notFound('Run', runId);
        const run = await this.runs.findForStream(ctx.tenantId, runId);
        if (!run || ctx.workflowId && run.workflowId !== ctx.workflowId) throw _platform.ApiError.notFound('Run', runId);
        const finished = _contracts.TERMINAL_RUN_STATUSES.has((0, _contracts.runStatusFromColumn)(run.status));
        return {
            run,
            replayed: finished && run.lastEventSeq > 0 && afterSeq >= run.lastEventSeq
        };
    }
    /**
   * Relay a run's events after `afterSeq`; resolves after `workflow_finished` (or when `signal`
   * aborts). `run` is the row openStream returned, when there was one (else it is looked up). A
   * run that ended before its events expired replays them all; one whose events expired, or that
   * has none after `afterSeq`, ends at once.
   */ async follow(ctx, runId, afterSeq, onEvent, signal, run) {
        const row = run ?? (await this.openStream(ctx, runId, afterSeq)).run;
        const finished = _contracts.TERMINAL_RUN_STATUSES.has((0, _contracts.runStatusFromColumn)(row.status));
        // finished, and nothing stored after afterSeq (expired, or all replayed): nothing more will come
        const nothingMore = async ()=>finished && await this.events.lastSequence(runId) <= afterSeq;
        await this.untilFinished(runId, afterSeq, onEvent, signal, nothingMore);
    }
    /**
   * Delivers the run's events after `afterSeq` to `onEvent` until workflow_finished, `signal`, or
   * `stopEarly()` says so; then nothing more is delivered and the subscription is gone, even when
   * the end came before the subscription was fully set up.
   */ async untilFinished(runId, afterSeq, onEvent, signal, stopEarly) {
        let ended = false;
        let unsubscribe;
        const end = ()=>{
            ended = true;
            unsubscribe?.();
            unsubscribe = undefined;
        };
        const stop = AbortSignal.any([
            signal,
            this.shuttingDown.signal
        ]);
        await new Promise((resolve, reject)=>{
            const finish = ()=>{
                end();
                resolve();
            };
            if (stop.aborted) return finish();
            stop.addEventListener('abort', finish, {
                once: true
            });
            this.events.subscribe(runId, afterSeq, (e)=>{
                if (ended) return;
                onEvent(e);
                if (e.event === 'workflow_finished') finish();
            }).then(async (u)=>{
                if (ended) return u();
                unsubscribe = u;
                if (stopEarly && await stopEarly()) finish();
            }).catch((err)=>{
                end();
                reject(err);
            });
        });
    }
};
RunsService = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_workflowsservice.WorkflowsService)),
    _ts_param._(1, (0, _common.Inject)(_runsrepository.RunsRepository)),
    _ts_param._(2, (0, _common.Inject)(_platform.JOB_QUEUE)),
    _ts_param._(3, (0, _common.Inject)(_platform.RUN_EVENT_STORE)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _workflowsservice.WorkflowsService === "undefined" ? Object : _workflowsservice.WorkflowsService,
        typeof _runsrepository.RunsRepository === "undefined" ? Object : _runsrepository.RunsRepository,
        typeof JobQueue === "undefined" ? Object : JobQueue,
        typeof RunEventStore === "undefined" ? Object : RunEventStore
    ])
], RunsService);

//# sourceMappingURL=runs.service.js.map