"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "WorkflowsRepository", {
    enumerable: true,
    get: function() {
        return WorkflowsRepository;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _nodecrypto = require("node:crypto");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
let WorkflowsRepository = class WorkflowsRepository {
    prisma;
    constructor(prisma){
        this.prisma = prisma;
    }
    /** A workflow and its first, immutable version, in one transaction: never one without the other. */ async create(tenantId, input) {
        const workflowId = (0, _contracts.newId)('wf');
        const versionId = (0, _contracts.newId)('wfv');
        const graphJson = JSON.stringify(input.graph);
        const [wf, version] = await this.prisma.$transaction([
            this.prisma.workflow.create({
                data: {
                    id: workflowId,
                    tenantId,
                    name: input.name,
                    description: input.description,
                    latestVersionId: versionId
                }
            }),
            this.prisma.workflowVersion.create({
                data: {
                    id: versionId,
                    tenantId,
                    workflowId,
                    number: 1,
                    graph: input.graph,
                    checksum: (0, _nodecrypto.createHash)('sha256').update(graphJson).digest('hex')
                }
            })
        ]);
        return {
            id: wf.id,
            name: wf.name,
            description: wf.description,
            createdAt: wf.createdAt,
            version: {
                id: version.id,
                number: version.number,
                graph: version.graph,
                createdAt: version.createdAt
            }
        };
    }
    async findLatest(tenantId, workflowId) {
        const wf = await this.prisma.workflow.findFirst({
            where: {
                id: workflowId,
                tenantId,
                archivedAt: null
            }
        });
        if (!wf?.latestVersionId) return null;
        const version = await this.prisma.workflowVersion.findFirst({
            where: {
                id: wf.latestVersionId,
                tenantId
            }
        });
        if (!version) return null;
        return {
            id: wf.id,
            name: wf.name,
            description: wf.description,
            createdAt: wf.createdAt,
            version: {
                id: version.id,
                number: version.number,
                graph: version.graph,
                createdAt: version.createdAt
            }
        };
    }
};
WorkflowsRepository = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_platform.PrismaClient)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _platform.PrismaClient === "undefined" ? Object : _platform.PrismaClient
    ])
], WorkflowsRepository);

//# sourceMappingURL=workflows.repository.js.map