"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "WorkflowsController", {
    enumerable: true,
    get: function() {
        return WorkflowsController;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _zod = require("zod");
const _platform = require("../../../platform/src");
const _importworkflowrequest = require("./import-workflow.request");
const _workflowdslservice = require("./workflow-dsl.service");
const _workflowsservice = require("./workflows.service");
const createWorkflowSchema = _zod.z.object({
    name: _zod.z.string().trim().min(1, 'must not be empty').max(200),
    description: _zod.z.string().max(2000).optional(),
    graph: _zod.z.unknown().refine((g)=>g !== undefined, 'is required')
});
function present(wf, withGraph = false) {
    return {
        id: wf.id,
        object: 'workflow',
        name: wf.name,
        description: wf.description,
        version: {
            id: wf.version.id,
            number: wf.version.number,
            created_at: wf.version.createdAt.toISOString()
        },
        ...withGraph ? {
            graph: wf.version.graph
        } : {},
        created_at: wf.createdAt.toISOString()
    };
}
let WorkflowsController = class WorkflowsController {
    workflows;
    dsl;
    constructor(workflows, dsl){
        this.workflows = workflows;
        this.dsl = dsl;
    }
    async create(ctx, body) {
        const input = (0, _platform.parseBody)(createWorkflowSchema, body);
        return present(await this.workflows.create(ctx, input), true);
    }
    /** A Dify app export (YAML body, or JSON `{ yaml_content, model_map? }`): answered as POST /v1/workflows, plus warnings. */ async import(ctx, body, contentType, modelMap) {
        const imported = await this.dsl.import(ctx, (0, _importworkflowrequest.parseImportRequest)(body, (0, _platform.mediaTypeOf)(contentType), modelMap));
        return {
            ...present(imported.workflow, true),
            warnings: imported.warnings.map((w)=>({
                    path: w.path,
                    code: w.code,
                    message: w.message,
                    ...w.nodeId ? {
                        node_id: w.nodeId
                    } : {}
                }))
        };
    }
    async export(ctx, id) {
        return this.dsl.export(ctx, id);
    }
    async get(ctx, id) {
        return present(await this.workflows.get(ctx, id), true);
    }
};
_ts_decorate._([
    (0, _common.Post)(),
    (0, _common.HttpCode)(201),
    _ts_param._(0, (0, _platform.Ctx)()),
    _ts_param._(1, (0, _common.Body)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof RequestContext === "undefined" ? Object : RequestContext,
        Object
    ]),
    _ts_metadata._("design:returntype", Promise)
], WorkflowsController.prototype, "create", null);
_ts_decorate._([
    (0, _common.Post)('import'),
    (0, _common.HttpCode)(201),
    (0, _platform.AcceptsBody)('application/json', ..._importworkflowrequest.YAML_BODY_TYPES),
    _ts_param._(0, (0, _platform.Ctx)()),
    _ts_param._(1, (0, _common.Body)()),
    _ts_param._(2, (0, _common.Headers)('content-type')),
    _ts_param._(3, (0, _common.Query)('model_map')),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof RequestContext === "undefined" ? Object : RequestContext,
        Object,
        Object,
        Object
    ]),
    _ts_metadata._("design:returntype", Promise)
], WorkflowsController.prototype, "import", null);
_ts_decorate._([
    (0, _common.Get)(':id/export'),
    (0, _common.Header)('content-type', 'application/yaml; charset=utf-8'),
    _ts_param._(0, (0, _platform.Ctx)()),
    _ts_param._(1, (0, _common.Param)('id')),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof RequestContext === "undefined" ? Object : RequestContext,
        String
    ]),
    _ts_metadata._("design:returntype", Promise)
], WorkflowsController.prototype, "export", null);
_ts_decorate._([
    (0, _common.Get)(':id'),
    _ts_param._(0, (0, _platform.Ctx)()),
    _ts_param._(1, (0, _common.Param)('id')),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof RequestContext === "undefined" ? Object : RequestContext,
        String
    ]),
    _ts_metadata._("design:returntype", Promise)
], WorkflowsController.prototype, "get", null);
WorkflowsController = _ts_decorate._([
    (0, _common.Controller)('v1/workflows'),
    (0, _common.UseGuards)(_platform.ApiKeyGuard),
    _ts_param._(0, (0, _common.Inject)(_workflowsservice.WorkflowsService)),
    _ts_param._(1, (0, _common.Inject)(_workflowdslservice.WorkflowDslService)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _workflowsservice.WorkflowsService === "undefined" ? Object : _workflowsservice.WorkflowsService,
        typeof _workflowdslservice.WorkflowDslService === "undefined" ? Object : _workflowdslservice.WorkflowDslService
    ])
], WorkflowsController);

//# sourceMappingURL=workflows.controller.js.map