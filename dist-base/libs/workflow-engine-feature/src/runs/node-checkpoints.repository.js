"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "NodeCheckpointsRepository", {
    enumerable: true,
    get: function() {
        return NodeCheckpointsRepository;
    }
});
const _leaselosterror = require("./lease-lost.error");
const json = (v)=>v === null ? undefined : v;
let NodeCheckpointsRepository = class NodeCheckpointsRepository {
    prisma;
    tenantId;
    lease;
    constructor(prisma, tenantId, lease){
        this.prisma = prisma;
        this.tenantId = tenantId;
        this.lease = lease;
    }
    async nodeStarted(rec) {
        const row = {
            id: rec.executionId,
            nodeType: rec.nodeType,
            title: rec.title,
            index: rec.index,
            predecessorNodeId: rec.predecessorNodeId,
            attempt: rec.attempt,
            callId: rec.callId,
            status: 'running',
            startedAt: new Date(rec.startedAt),
            finishedAt: null,
            error: null
        };
        // a node an earlier attempt started but did not finish is started again over the same row
        await this.prisma.$transaction(async (tx)=>{
            // the run row is locked until the checkpoint is written: a takeover waits, then wins
            const [held] = await tx.$queryRaw`SELECT true AS ok FROM workflow_runs WHERE id = ${rec.runId} AND worker_id = ${this.lease} FOR UPDATE`;
            if (!held) throw new _leaselosterror.LeaseLostError(rec.runId);
            await tx.nodeExecution.upsert({
                where: {
                    runId_executionKey: {
                        runId: rec.runId,
                        executionKey: rec.nodeId
                    }
                },
                create: {
                    ...row,
                    tenantId: this.tenantId,
                    runId: rec.runId,
                    nodeId: rec.nodeId,
                    executionKey: rec.nodeId
                },
                update: row
            });
        });
    }
    async nodeFinished(rec) {
        const { count } = await this.prisma.nodeExecution.updateMany({
            where: {
                runId: rec.runId,
                executionKey: rec.nodeId,
                run: {
                    workerId: this.lease
                }
            },
            data: {
                status: rec.status,
                inputs: json(rec.inputs),
                processData: json(rec.processData),
                outputs: json(rec.outputs),
                error: rec.error,
                promptTokens: rec.tokens.prompt,
                completionTokens: rec.tokens.completion,
                totalTokens: rec.tokens.total,
                elapsedMs: Math.round(rec.elapsedMs),
                finishedAt: new Date(rec.finishedAt)
            }
        });
        if (count === 0) throw new _leaselosterror.LeaseLostError(rec.runId);
    }
};

//# sourceMappingURL=node-checkpoints.repository.js.map