// @shoal/workflow-dsl — the workflow format: types, parsing with precise error paths, references.
//
//   parseWorkflowGraph(input: unknown): { ok: true; graph: WorkflowGraph } | { ok: false; issues: ValidationIssue[] }
//   validateRunInputs(graph: WorkflowGraph, inputs: unknown): { ok: true; inputs } | { ok: false; issues }
//   validateStartNodeInputs(variables: StartVariable[], inputs: unknown): same result
//   buildGraphIndex(graph: WorkflowGraph): GraphIndex   (predecessors, successors, topological order)
//   parseVariableReferences(text): Array<{ selector: string[]; raw: string }>
//   compileTemplate(text): CompiledTemplate; renderCompiledTemplate(t, lookup); renderTemplate(text, lookup)
//   stringifyValue(value): string   (how a variable reads inside text)
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
    get ASSIGNER_OPERATIONS () {
        return _assignernode.ASSIGNER_OPERATIONS;
    },
    get COMPARISON_OPERATORS () {
        return _ifelsenode.COMPARISON_OPERATORS;
    },
    get DEFAULT_GRAPH_LIMITS () {
        return _graphparser.DEFAULT_GRAPH_LIMITS;
    },
    get DEFAULT_RUN_INPUT_LIMITS () {
        return _runinputsvalidator.DEFAULT_RUN_INPUT_LIMITS;
    },
    get DIFY_DSL_VERSION () {
        return _difyversion.DIFY_DSL_VERSION;
    },
    get ERROR_STRATEGY_NODE_TYPES () {
        return _noderegistry.ERROR_STRATEGY_NODE_TYPES;
    },
    get FAIL_BRANCH_HANDLE () {
        return _nodedefinition.FAIL_BRANCH_HANDLE;
    },
    get IF_ELSE_DEFAULT_HANDLE () {
        return _ifelsenode.IF_ELSE_DEFAULT_HANDLE;
    },
    get IF_ELSE_OUTPUT_FIELDS () {
        return _ifelsenode.IF_ELSE_OUTPUT_FIELDS;
    },
    get LIST_FILTER_OPERATORS () {
        return _listoperatornode.LIST_FILTER_OPERATORS;
    },
    get LLM_OUTPUT_FIELDS () {
        return _llmnode.LLM_OUTPUT_FIELDS;
    },
    get NODE_ID_PATTERN () {
        return _variablereference.NODE_ID_PATTERN;
    },
    get NODE_TYPES () {
        return _noderegistry.NODE_TYPES;
    },
    get RESERVED_VARIABLE_NAMES () {
        return _nodedefinition.RESERVED_VARIABLE_NAMES;
    },
    get START_VARIABLE_TYPES () {
        return _startnode.START_VARIABLE_TYPES;
    },
    get buildGraphIndex () {
        return _graphindex.buildGraphIndex;
    },
    get compileTemplate () {
        return _variablereference.compileTemplate;
    },
    get exportDifyDsl () {
        return _difydslexporter.exportDifyDsl;
    },
    get formatPath () {
        return _validationissue.formatPath;
    },
    get importDifyDsl () {
        return _difydslimporter.importDifyDsl;
    },
    get isNodeOfType () {
        return _workflowgraphtypes.isNodeOfType;
    },
    get isNodeType () {
        return _noderegistry.isNodeType;
    },
    get llmContextSelector () {
        return _llmnode.llmContextSelector;
    },
    get parseModelMapParam () {
        return _modelmapparser.parseModelMapParam;
    },
    get parseVariableReferences () {
        return _variablereference.parseVariableReferences;
    },
    get parseWorkflowGraph () {
        return _graphparser.parseWorkflowGraph;
    },
    get renderCompiledTemplate () {
        return _variablereference.renderCompiledTemplate;
    },
    get renderTemplate () {
        return _variablereference.renderTemplate;
    },
    get stringifyValue () {
        return _variablereference.stringifyValue;
    },
    get validateRunInputs () {
        return _runinputsvalidator.validateRunInputs;
    },
    get validateStartNodeInputs () {
        return _runinputsvalidator.validateStartNodeInputs;
    }
});
const _graphparser = require("./graph.parser");
const _runinputsvalidator = require("./run-inputs.validator");
const _graphindex = require("./graph-index");
const _variablereference = require("./variable-reference");
const _validationissue = require("./validation-issue");
const _noderegistry = require("./nodes/node-registry");
const _nodedefinition = require("./nodes/node-definition");
const _startnode = require("./nodes/start.node");
const _llmnode = require("./nodes/llm.node");
const _ifelsenode = require("./nodes/if-else.node");
const _listoperatornode = require("./nodes/list-operator.node");
const _assignernode = require("./nodes/assigner.node");
const _workflowgraphtypes = require("./workflow-graph.types");
const _difydslimporter = require("./dify/dify-dsl.importer");
const _difydslexporter = require("./dify/dify-dsl.exporter");
const _modelmapparser = require("./dify/model-map.parser");
const _difyversion = require("./dify/dify-version");

//# sourceMappingURL=index.js.map