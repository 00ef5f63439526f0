// One delivery of a run job: claim the run, resume from its checkpoints, execute, price it from
// the ledger, store the totals, and only then announce workflow_finished.
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
    get ENGINE_OPTIONS () {
        return ENGINE_OPTIONS;
    },
    get ExecuteRunUseCase () {
        return ExecuteRunUseCase;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _nodeos = require("node:os");
const _workflowdsl = require("../../../workflow-dsl/src");
const _workflowruntime = require("../../../workflow-runtime/src");
const _platform = require("../../../platform/src");
const _billingclient = require("../billing/billing.client");
const _modelpoolllmadapter = require("../llm/model-pool.llm-adapter");
const _runstaterepository = require("./run-state.repository");
const ENGINE_OPTIONS = Symbol('ENGINE_OPTIONS');
const GRAPH_CACHE_ENTRIES = 1000;
const GRAPH_CACHE_BYTES = 64 * 1024 * 1024;
const WORKER_ID = `${(0, _nodeos.hostname)()}:${process.pid}`;
let ExecuteRunUseCase = class ExecuteRunUseCase {
    runs;
    events;
    billing;
    opts;
    log = (0, _platform.createLogger)('ExecuteRunUseCase');
    // versions are immutable: parse each graph once per process, keeping the most recently used
    // (bounded by count and by the graphs' JSON size)
    graphs = new _platform.LruCache({
        maxEntries: GRAPH_CACHE_ENTRIES,
        maxSize: GRAPH_CACHE_BYTES,
        sizeOf: (g)=>g.bytes
    });
    constructor(runs, events, billing, opts){
        this.runs = runs;
        this.events = events;
        this.billing = billing;
        this.opts = opts;
    }
    async execute(runId, traceparent) {
        const run = await this.runs.claim(runId, WORKER_ID);
        if (!run) {
            await this.announceIfUnannounced(runId);
            return;
        }
        const graph = this.graphOf(run.workflowVersionId, run.graph);
        if (!graph) {
            await this.runs.fail(runId, 'The stored workflow version is not a valid graph');
            await this.announceIfUnannounced(runId);
            return;
        }
        const finished = await this.runs.finishedNodes(run.tenantId, runId);
        if (finished.length) this.log.info({
            runId,
            attempt: run.attempts,
            finished: finished.length
        }, 'resuming run from its checkpoints');
        // workflow_finished waits until the run row holds the final totals, so whoever reacts to it reads them
        let finishedBody;
        const sink = {
            emit: async (body)=>{
                if (body.event === 'workflow_finished') finishedBody = body;
                else await this.events.append(runId, body);
            }
        };
        const llm = new _modelpoolllmadapter.ModelPoolLlmAdapter(this.opts.modelPoolUrl, this.opts.internalToken, {
            tenantId: run.tenantId,
            apiKeyId: run.apiKeyId,
            traceparent
        });
        const outcome = await (0, _workflowruntime.executeRun)({
            runId,
            workflowId: run.workflowId,
            workflowVersionId: run.workflowVersionId,
            graph,
            inputs: run.inputs,
            inputLimits: this.opts.workflowLimits?.inputs,
            sys: {
                user_id: run.endUser ?? undefined,
                app_id: run.workflowId
            },
            finished,
            ports: {
                llm,
                checkpoints: this.runs.checkpointsFor(run.tenantId, run.lease),
                events: sink
            },
            streamChunks: run.responseMode === 'streaming',
            startedAt: run.createdAt.getTime()
        });
        const callIds = await this.runs.callIds(run.tenantId, runId);
        const cost = callIds.length ? await this.costOf({
            tenantId: run.tenantId,
            runId,
            traceparent
        }, callIds) : undefined;
        await this.runs.finish(run.tenantId, runId, run.lease, {
            status: outcome.status,
            outputs: outcome.outputs,
            error: outcome.error,
            totalTokens: outcome.totalTokens,
            totalSteps: outcome.steps,
            elapsedMs: outcome.elapsedMs,
            totalPrice: cost?.total_price ?? '0',
            currency: cost?.currency ?? 'USD'
        });
        if (finishedBody) {
            const e = await this.events.append(runId, finishedBody);
            if (e) await this.runs.setLastEventSeq(run.tenantId, runId, e.sequence);
        }
    }
    /**
   * The run's price from the ledger. Billing being down must not fail a run whose nodes all
   * succeeded: its price is then what the ledger had (possibly nothing), and the log says so.
   */ async costOf(run, callIds) {
        const { runId } = run;
        try {
            const cost = await this.billing.runCost(run, callIds, this.opts.costWaitMs);
            if (cost.missing.length) this.log.warn({
                runId,
                missing: cost.missing
            }, 'billing has not recorded every call of the run yet; total_price is partial');
            return cost;
        } catch (err) {
            this.log.error({
                err,
                runId
            }, 'billing unavailable: the run is stored without its price');
            return undefined;
        }
    }
    /**
   * A run that is already finished but whose workflow_finished was never appended (the worker died
   * between storing the totals and announcing them): announce it now, so nobody waits forever.
   */ async announceIfUnannounced(runId) {
        const run = await this.runs.unannouncedFinish(runId);
        if (!run) return;
        const e = await this.events.append(runId, finishedEventOf(run));
        if (e) await this.runs.setLastEventSeq(run.tenantId, runId, e.sequence);
    }
    unfinishedRunIds() {
        return this.runs.unfinishedIds();
    }
    /** The job failed for good (every retry used): the run must not stay "running" forever. */ async giveUp(runId, err) {
        // the details (possibly internal) stay in the log; the tenant sees what happened and where to look
        this.log.error({
            err,
            runId
        }, 'giving up on run');
        const message = `The run could not be executed (an internal error that retries did not cure); the service logs have the details under run id ${runId}`;
        await this.runs.fail(runId, message);
        await this.announceIfUnannounced(runId);
    }
    graphOf(versionId, stored) {
        const hit = this.graphs.get(versionId);
        if (hit) return hit.graph;
        const parsed = (0, _workflowdsl.parseWorkflowGraph)(stored, {
            limits: this.opts.workflowLimits?.graph
        });
        if (!parsed.ok) return undefined;
        this.graphs.set(versionId, {
            graph: parsed.graph,
            bytes: Buffer.byteLength(JSON.stringify(stored))
        });
        return parsed.graph;
    }
};
ExecuteRunUseCase = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_runstaterepository.RunStateRepository)),
    _ts_param._(1, (0, _common.Inject)(_platform.RUN_EVENT_STORE)),
    _ts_param._(2, (0, _common.Inject)(_billingclient.BillingClient)),
    _ts_param._(3, (0, _common.Inject)(ENGINE_OPTIONS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _runstaterepository.RunStateRepository === "undefined" ? Object : _runstaterepository.RunStateRepository,
        typeof RunEventStore === "undefined" ? Object : RunEventStore,
        typeof _billingclient.BillingClient === "undefined" ? Object : _billingclient.BillingClient,
        typeof EngineOptions === "undefined" ? Object : EngineOptions
    ])
], ExecuteRunUseCase);
function finishedEventOf(run) {
    const finishedAt = run.finishedAt ?? new Date();
    return {
        event: 'workflow_finished',
        data: {
            id: run.id,
            workflow_id: run.workflowId,
            status: run.status,
            outputs: run.outputs,
            error: run.error,
            elapsed_time: (finishedAt.getTime() - run.createdAt.getTime()) / 1000,
            total_tokens: run.totalTokens,
            total_steps: run.totalSteps,
            created_at: Math.floor(run.createdAt.getTime() / 1000),
            finished_at: Math.floor(finishedAt.getTime() / 1000)
        }
    };
}

//# sourceMappingURL=execute-run.use-case.js.map