// Dify DSL in and out: a Dify app export becomes a Shoal workflow, and a workflow's latest version
// goes back out as a Dify app export.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "WorkflowDslService", {
    enumerable: true,
    get: function() {
        return WorkflowDslService;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _workflowdsl = require("../../../workflow-dsl/src");
const _platform = require("../../../platform/src");
const _modelpoolclient = require("../openai/model-pool.client");
const _workflowsrepository = require("./workflows.repository");
const _workflowsservice = require("./workflows.service");
/** How long an import waits for model-pool's list of aliases before it goes on without the warnings. */ const MODEL_LIST_TIMEOUT_MS = 2_000;
const MAX_NAME_LENGTH = 200;
const MAX_DESCRIPTION_LENGTH = 2_000;
let WorkflowDslService = class WorkflowDslService {
    repository;
    workflows;
    modelPool;
    constructor(repository, workflows, modelPool){
        this.repository = repository;
        this.workflows = workflows;
        this.modelPool = modelPool;
    }
    /** Checks everything before writing: a refused import stores nothing. */ async import(ctx, request) {
        const knownModels = await this.modelPool.modelNames(ctx, MODEL_LIST_TIMEOUT_MS) ?? undefined;
        const result = (0, _workflowdsl.importDifyDsl)(request.yaml, {
            modelMap: request.modelMap,
            knownModels
        });
        if (!result.ok) throw importRefused(result.status, result.issues);
        const graph = storedGraphOf(result.workflow);
        const parsed = (0, _workflowdsl.parseWorkflowGraph)(graph);
        if (!parsed.ok) throw importRefused(422, parsed.issues.map(inDocument));
        const wf = result.workflow;
        const workflow = await this.repository.create(ctx.tenantId, {
            name: (wf.name.trim() || 'Imported workflow').slice(0, MAX_NAME_LENGTH),
            description: wf.description.slice(0, MAX_DESCRIPTION_LENGTH),
            graph
        });
        return {
            workflow,
            warnings: result.warnings
        };
    }
    /** The latest version as a Dify app export, secret environment values blanked. */ async export(ctx, workflowId) {
        const wf = await this.workflows.get(ctx, workflowId);
        const stored = wf.version.graph;
        return (0, _workflowdsl.exportDifyDsl)({
            name: wf.name,
            description: wf.description,
            mode: stored.mode === 'workflow' || stored.mode === 'advanced-chat' ? stored.mode : modeOf(stored.nodes),
            graph: {
                nodes: stored.nodes,
                edges: stored.edges
            },
            features: isRecord(stored.features) ? stored.features : undefined,
            environment_variables: Array.isArray(stored.environment_variables) ? stored.environment_variables : undefined,
            conversation_variables: Array.isArray(stored.conversation_variables) ? stored.conversation_variables : undefined
        });
    }
};
WorkflowDslService = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_workflowsrepository.WorkflowsRepository)),
    _ts_param._(1, (0, _common.Inject)(_workflowsservice.WorkflowsService)),
    _ts_param._(2, (0, _common.Inject)(_modelpoolclient.ModelPoolClient)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _workflowsrepository.WorkflowsRepository === "undefined" ? Object : _workflowsrepository.WorkflowsRepository,
        typeof _workflowsservice.WorkflowsService === "undefined" ? Object : _workflowsservice.WorkflowsService,
        typeof _modelpoolclient.ModelPoolClient === "undefined" ? Object : _modelpoolclient.ModelPoolClient
    ])
], WorkflowDslService);
function storedGraphOf(wf) {
    return {
        nodes: wf.graph.nodes,
        edges: wf.graph.edges,
        environment_variables: wf.environment_variables,
        conversation_variables: wf.conversation_variables,
        mode: wf.mode,
        features: wf.features
    };
}
/** A workflow created as JSON has no mode: answer nodes make it a chatflow, as in Dify. */ function modeOf(nodes) {
    return nodes.some((n)=>isRecord(n) && isRecord(n.data) && n.data.type === 'answer') ? 'advanced-chat' : 'workflow';
}
function isRecord(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
/** parseWorkflowGraph's issues are rooted at the graph; the importer's at the YAML document. */ function inDocument(issue) {
    const variables = issue.path.startsWith('environment_variables') || issue.path.startsWith('conversation_variables');
    const root = variables ? 'workflow' : 'workflow.graph';
    const path = !issue.path ? root : issue.path.startsWith('[') ? `${root}${issue.path}` : `${root}.${issue.path}`;
    return {
        path,
        code: 'invalid_graph',
        message: issue.message,
        ...issue.nodeId ? {
            nodeId: issue.nodeId
        } : {}
    };
}
function importRefused(status, issues) {
    const fieldIssues = issues.map((i)=>({
            path: i.path,
            message: i.message,
            code: i.code,
            ...i.nodeId ? {
                node_id: i.nodeId
            } : {},
            ...i.line !== undefined ? {
                line: i.line
            } : {},
            ...i.column !== undefined ? {
                column: i.column
            } : {}
        }));
    const first = issues[0];
    if (status === 400) {
        const where = first.line !== undefined && !first.message.includes(`line ${first.line}`) ? ` (line ${first.line}, column ${first.column ?? 1})` : '';
        return new _platform.ApiError(first.code === 'yaml_syntax' ? 'invalid_yaml' : 'invalid_request', `The Dify DSL cannot be read: ${first.message}${where}`, {
            issues: fieldIssues
        });
    }
    const unsupported = issues.filter((i)=>i.code === 'unsupported_node_type');
    // every unsupported node named at once, so one round of edits in Dify can fix them all
    const detail = unsupported.length === issues.length ? `${unsupported.length} node(s) have a type Shoal does not run: ${unsupported.map((i)=>i.message.replace(/, which Shoal does not run.*$/, '')).join('; ')}${first.message.match(/; supported types: .*$/)?.[0] ?? ''}` : `${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`;
    return new _platform.ApiError('unprocessable_content', `The Dify app cannot be imported: ${detail}`, {
        issues: fieldIssues
    });
}

//# sourceMappingURL=workflow-dsl.service.js.map