// The executors for every node type the DSL defines.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "defaultNodeExecutors", {
    enumerable: true,
    get: function() {
        return defaultNodeExecutors;
    }
});
const _endnode = require("./end.node");
const _ifelsenode = require("./if-else.node");
const _templatetransformnode = require("./template-transform.node");
const _variableaggregatornode = require("./variable-aggregator.node");
const _answernode = require("./answer.node");
const _listoperatornode = require("./list-operator.node");
const _assignernode = require("./assigner.node");
const _llmnode = require("./llm.node");
const _startnode = require("./start.node");
const defaultNodeExecutors = {
    start: _startnode.startNodeExecutor,
    llm: _llmnode.llmNodeExecutor,
    end: _endnode.endNodeExecutor,
    'if-else': _ifelsenode.ifElseNodeExecutor,
    'template-transform': _templatetransformnode.templateTransformNodeExecutor,
    'variable-aggregator': _variableaggregatornode.variableAggregatorNodeExecutor,
    'variable-assigner': _variableaggregatornode.legacyVariableAssignerNodeExecutor,
    answer: _answernode.answerNodeExecutor,
    'list-operator': _listoperatornode.listOperatorNodeExecutor,
    assigner: _assignernode.assignerNodeExecutor
};

//# sourceMappingURL=default-node-executors.js.map