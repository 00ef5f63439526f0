"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "RunsRepository", {
    enumerable: true,
    get: function() {
        return RunsRepository;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _platform = require("../../../platform/src");
const runWithNodes = {
    include: {
        nodeExecutions: {
            orderBy: {
                index: 'asc'
            }
        }
    }
};
const streamFields = {
    id: true,
    tenantId: true,
    workflowId: true,
    status: true,
    lastEventSeq: true
};
let RunsRepository = class RunsRepository {
    prisma;
    constructor(prisma){
        this.prisma = prisma;
    }
    createQueued(tenantId, run) {
        return this.prisma.workflowRun.create({
            data: {
                ...run,
                tenantId,
                status: 'queued'
            }
        });
    }
    markUnqueued(tenantId, runId, error) {
        return this.prisma.workflowRun.updateMany({
            where: {
                id: runId,
                tenantId,
                status: 'queued'
            },
            data: {
                status: 'failed',
                error,
                finishedAt: new Date()
            }
        });
    }
    find(tenantId, runId) {
        return this.prisma.workflowRun.findFirst({
            where: {
                id: runId,
                tenantId
            }
        });
    }
    findForStream(tenantId, runId) {
        return this.prisma.workflowRun.findFirst({
            where: {
                id: runId,
                tenantId
            },
            select: streamFields
        });
    }
    findWithNodes(tenantId, runId) {
        return this.prisma.workflowRun.findFirst({
            where: {
                id: runId,
                tenantId
            },
            ...runWithNodes
        });
    }
};
RunsRepository = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_platform.PrismaClient)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _platform.PrismaClient === "undefined" ? Object : _platform.PrismaClient
    ])
], RunsRepository);

//# sourceMappingURL=runs.repository.js.map