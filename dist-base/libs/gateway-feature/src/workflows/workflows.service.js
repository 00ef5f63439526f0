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
    get WorkflowsService () {
        return WorkflowsService;
    },
    get toFieldIssues () {
        return toFieldIssues;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _workflowdsl = require("../../../workflow-dsl/src");
const _platform = require("../../../platform/src");
const _workflowlimits = require("./workflow-limits");
const _workflowsrepository = require("./workflows.repository");
function toFieldIssues(root, issues) {
    return issues.map((i)=>({
            path: !i.path ? root : i.path.startsWith('[') ? `${root}${i.path}` : `${root}.${i.path}`,
            message: i.message,
            code: i.code,
            ...i.nodeId ? {
                node_id: i.nodeId
            } : {}
        }));
}
let WorkflowsService = class WorkflowsService {
    workflows;
    limits;
    constructor(workflows, limits = _workflowlimits.DEFAULT_WORKFLOW_LIMITS){
        this.workflows = workflows;
        this.limits = limits;
    }
    /** The run inputs checked against the workflow's start form and the configured size bounds. */ validateInputs(graph, inputs) {
        return (0, _workflowdsl.validateRunInputs)(graph, inputs, this.limits.inputs);
    }
    async create(ctx, input) {
        const parsed = (0, _workflowdsl.parseWorkflowGraph)(input.graph, {
            limits: this.limits.graph
        });
        if (!parsed.ok) {
            const issues = toFieldIssues('graph', parsed.issues);
            throw _platform.ApiError.validation(`The workflow graph is invalid: ${issues[0].message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, issues);
        }
        return this.workflows.create(ctx.tenantId, {
            name: input.name,
            description: input.description ?? '',
            graph: parsed.graph
        });
    }
    async get(ctx, workflowId) {
        if (!(0, _contracts.looksLikeId)(workflowId, 'wf') || ctx.workflowId && ctx.workflowId !== workflowId) throw _platform.ApiError.notFound('Workflow', workflowId);
        const wf = await this.workflows.findLatest(ctx.tenantId, workflowId);
        if (!wf) throw _platform.ApiError.notFound('Workflow', workflowId);
        return {
            ...wf,
            graph: wf.version.graph
        };
    }
};
WorkflowsService = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_workflowsrepository.WorkflowsRepository)),
    _ts_param._(1, (0, _common.Inject)(_workflowlimits.WORKFLOW_LIMITS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _workflowsrepository.WorkflowsRepository === "undefined" ? Object : _workflowsrepository.WorkflowsRepository,
        typeof WorkflowLimits === "undefined" ? Object : WorkflowLimits
    ])
], WorkflowsService);

//# sourceMappingURL=workflows.service.js.map