"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "RunStateRepository", {
    enumerable: true,
    get: function() {
        return RunStateRepository;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _nodecheckpointsrepository = require("./node-checkpoints.repository");
const _leaselosterror = require("./lease-lost.error");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
let RunStateRepository = class RunStateRepository {
    prisma;
    constructor(prisma){
        this.prisma = prisma;
    }
    /**
   * Take a run for execution: queued, or running (taken over after a crash or a stalled worker).
   * Returns null when the run is gone or already finished, so a duplicate delivery does nothing.
   */ async claim(runId, workerId) {
        // unique per claim, so a stalled worker on the same host and pid is fenced off as well
        const lease = `${workerId}:${(0, _contracts.newId)('run').slice(4)}`;
        const rows = await this.prisma.$queryRaw`
      UPDATE workflow_runs SET status = 'running', attempts = attempts + 1, worker_id = ${lease},
        started_at = COALESCE(started_at, now()), updated_at = now()
      WHERE id = ${runId} AND status IN ('queued', 'running')
      RETURNING id`;
        if (rows.length === 0) return null;
        const run = await this.prisma.workflowRun.findUnique({
            where: {
                id: runId
            },
            include: {
                version: {
                    select: {
                        graph: true
                    }
                }
            }
        });
        if (!run) return null;
        return {
            id: run.id,
            tenantId: run.tenantId,
            workflowId: run.workflowId,
            workflowVersionId: run.workflowVersionId,
            apiKeyId: run.apiKeyId,
            inputs: run.inputs,
            endUser: run.endUser,
            responseMode: run.responseMode,
            graph: run.version.graph,
            createdAt: run.createdAt,
            attempts: run.attempts,
            lease
        };
    }
    /**
   * What earlier attempts committed: the checkpoints a resumed run continues from. A node that ended
   * `exception` (its error_strategy handled the failure) is done as well; its outputs hold
   * error_message and error_type, and the runtime re-derives its branch from the status.
   */ async finishedNodes(tenantId, runId) {
        const rows = await this.prisma.nodeExecution.findMany({
            where: {
                tenantId,
                runId,
                status: {
                    in: [
                        'succeeded',
                        'exception'
                    ]
                }
            },
            select: {
                nodeId: true,
                index: true,
                status: true,
                outputs: true,
                promptTokens: true,
                completionTokens: true,
                totalTokens: true
            },
            orderBy: {
                index: 'asc'
            }
        });
        return rows.map((r)=>({
                nodeId: r.nodeId,
                index: r.index,
                status: r.status === 'exception' ? 'exception' : 'succeeded',
                outputs: r.outputs ?? {},
                tokens: {
                    prompt: r.promptTokens,
                    completion: r.completionTokens,
                    total: r.totalTokens
                }
            }));
    }
    async callIds(tenantId, runId) {
        const rows = await this.prisma.nodeExecution.findMany({
            where: {
                tenantId,
                runId,
                callId: {
                    not: null
                }
            },
            select: {
                callId: true
            }
        });
        return rows.flatMap((r)=>r.callId ? [
                r.callId
            ] : []);
    }
    /** Stores the run's outcome, if `lease` is still this run's; otherwise LeaseLostError. */ async finish(tenantId, runId, lease, t) {
        const { count } = await this.prisma.workflowRun.updateMany({
            where: {
                id: runId,
                tenantId,
                workerId: lease,
                status: 'running'
            },
            data: {
                status: (0, _contracts.runStatusToColumn)(t.status),
                outputs: t.outputs,
                error: t.error,
                totalTokens: t.totalTokens,
                totalSteps: t.totalSteps,
                elapsedMs: t.elapsedMs,
                totalPrice: t.totalPrice,
                currency: t.currency,
                finishedAt: new Date()
            }
        });
        if (count === 0) throw new _leaselosterror.LeaseLostError(runId);
    }
    async fail(runId, error) {
        await this.prisma.workflowRun.updateMany({
            where: {
                id: runId,
                status: {
                    in: [
                        'queued',
                        'running'
                    ]
                }
            },
            data: {
                status: 'failed',
                error,
                finishedAt: new Date()
            }
        });
    }
    /** The runtime's checkpoint store for one tenant's run (node_executions rows). */ checkpointsFor(tenantId, lease) {
        return new _nodecheckpointsrepository.NodeCheckpointsRepository(this.prisma, tenantId, lease);
    }
    /** Runs not finished yet, oldest first (bounded: a backlog beyond it is requeued at the next start). */ async unfinishedIds(limit = 10_000) {
        const rows = await this.prisma.workflowRun.findMany({
            where: {
                status: {
                    in: [
                        'queued',
                        'running'
                    ]
                }
            },
            select: {
                id: true
            },
            orderBy: {
                createdAt: 'asc'
            },
            take: limit
        });
        return rows.map((r)=>r.id);
    }
    /** A finished run whose workflow_finished event was never appended (last_event_seq still 0). */ async unannouncedFinish(runId) {
        const r = await this.prisma.workflowRun.findFirst({
            where: {
                id: runId,
                lastEventSeq: 0,
                status: {
                    notIn: [
                        'queued',
                        'running'
                    ]
                }
            }
        });
        if (!r) return null;
        return {
            id: r.id,
            tenantId: r.tenantId,
            workflowId: r.workflowId,
            status: (0, _contracts.runStatusFromColumn)(r.status),
            outputs: r.outputs ?? null,
            error: r.error,
            totalTokens: r.totalTokens,
            totalSteps: r.totalSteps,
            createdAt: r.createdAt,
            finishedAt: r.finishedAt
        };
    }
    async setLastEventSeq(tenantId, runId, seq) {
        await this.prisma.workflowRun.updateMany({
            where: {
                id: runId,
                tenantId
            },
            data: {
                lastEventSeq: seq
            }
        });
    }
};
RunStateRepository = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_platform.PrismaClient)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _platform.PrismaClient === "undefined" ? Object : _platform.PrismaClient
    ])
], RunStateRepository);

//# sourceMappingURL=run-state.repository.js.map