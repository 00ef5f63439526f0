// Every node type the DSL knows, keyed by `data.type`. A new node type is one entry here plus its file.
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
    get ERROR_STRATEGY_NODE_TYPES () {
        return ERROR_STRATEGY_NODE_TYPES;
    },
    get NODE_DEFINITIONS () {
        return NODE_DEFINITIONS;
    },
    get NODE_TYPES () {
        return NODE_TYPES;
    },
    get isNodeType () {
        return isNodeType;
    },
    get nodeDefinition () {
        return nodeDefinition;
    }
});
const _startnode = require("./start.node");
const _llmnode = require("./llm.node");
const _endnode = require("./end.node");
const _ifelsenode = require("./if-else.node");
const _templatetransformnode = require("./template-transform.node");
const _variableaggregatornode = require("./variable-aggregator.node");
const _answernode = require("./answer.node");
const _listoperatornode = require("./list-operator.node");
const _assignernode = require("./assigner.node");
const NODE_DEFINITIONS = {
    start: _startnode.startNodeDefinition,
    llm: _llmnode.llmNodeDefinition,
    end: _endnode.endNodeDefinition,
    'if-else': _ifelsenode.ifElseNodeDefinition,
    'template-transform': _templatetransformnode.templateTransformNodeDefinition,
    'variable-aggregator': _variableaggregatornode.variableAggregatorNodeDefinition,
    'variable-assigner': _variableaggregatornode.legacyVariableAssignerNodeDefinition,
    answer: _answernode.answerNodeDefinition,
    'list-operator': _listoperatornode.listOperatorNodeDefinition,
    assigner: _assignernode.assignerNodeDefinition
};
const ERROR_STRATEGY_NODE_TYPES = new Set([
    'llm'
]);
const NODE_TYPES = Object.keys(NODE_DEFINITIONS);
function isNodeType(type) {
    return Object.hasOwn(NODE_DEFINITIONS, type);
}
function nodeDefinition(type) {
    return NODE_DEFINITIONS[type];
}

//# sourceMappingURL=node-registry.js.map