"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "RunProcessor", {
    enumerable: true,
    get: function() {
        return RunProcessor;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
const _executerunusecase = require("./execute-run.use-case");
const _leaselosterror = require("./lease-lost.error");
let RunProcessor = class RunProcessor {
    queue;
    useCase;
    opts;
    log = (0, _platform.createLogger)('RunProcessor');
    constructor(queue, useCase, opts){
        this.queue = queue;
        this.useCase = useCase;
        this.opts = opts;
    }
    async onApplicationBootstrap() {
        this.queue.process(_contracts.QUEUES.workflowRuns, async (payload, job)=>{
            const parsed = _contracts.runJobSchema.safeParse(payload);
            if (!parsed.success) {
                this.log.error({
                    jobId: job.jobId,
                    issues: parsed.error.issues
                }, 'dropping malformed run job');
                return;
            }
            try {
                await this.useCase.execute(parsed.data.runId, parsed.data.traceparent);
            } catch (err) {
                // another worker owns the run now; this delivery has nothing left to do
                if (err instanceof _leaselosterror.LeaseLostError) return this.log.warn({
                    runId: parsed.data.runId
                }, 'run taken over by another worker: stopping here');
                throw err;
            }
        }, {
            concurrency: this.opts.concurrency,
            // every retry used, or its workers kept dying: the run must not stay "running" forever
            onExhausted: async (payload, err)=>{
                const parsed = _contracts.runJobSchema.safeParse(payload);
                if (parsed.success) await this.useCase.giveUp(parsed.data.runId, err);
            }
        });
        // runs whose job may be gone (standalone restarted, Redis lost its data): queue them again;
        // a job that still exists is not added twice (the job id is the run id)
        const unfinished = await this.useCase.unfinishedRunIds();
        for (const runId of unfinished)await this.queue.enqueue(_contracts.QUEUES.workflowRuns, {
            runId
        }, {
            jobId: runId
        });
        if (unfinished.length) this.log.info({
            runs: unfinished.length
        }, 'requeued unfinished runs');
    }
};
RunProcessor = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_platform.JOB_QUEUE)),
    _ts_param._(1, (0, _common.Inject)(_executerunusecase.ExecuteRunUseCase)),
    _ts_param._(2, (0, _common.Inject)(_executerunusecase.ENGINE_OPTIONS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof JobQueue === "undefined" ? Object : JobQueue,
        typeof _executerunusecase.ExecuteRunUseCase === "undefined" ? Object : _executerunusecase.ExecuteRunUseCase,
        typeof EngineOptions === "undefined" ? Object : EngineOptions
    ])
], RunProcessor);

//# sourceMappingURL=run.processor.js.map