// if-else: the first case whose conditions hold picks the branch (its case_id); none picks 'false'.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "ifElseNodeExecutor", {
    enumerable: true,
    get: function() {
        return ifElseNodeExecutor;
    }
});
const _workflowdsl = require("../../../workflow-dsl/src");
const _conditionevaluator = require("./condition.evaluator");
/** Operators that are answerable about a variable that resolved to nothing (Dify fails the others). */ const ABOUT_PRESENCE = new Set([
    'null',
    'not null',
    'exists',
    'not exists',
    'empty',
    'not empty'
]);
function expectedOf(condition, actual, pool) {
    const raw = condition.value;
    if (raw === undefined || raw === null) return null;
    const expected = typeof raw === 'string' ? (0, _workflowdsl.renderTemplate)(raw, pool.lookup) : raw;
    if (typeof actual === 'boolean' || Array.isArray(actual) && actual.length > 0 && actual.every((x)=>typeof x === 'boolean')) {
        return Array.isArray(expected) ? expected.map(_conditionevaluator.toBoolean) : (0, _conditionevaluator.toBoolean)(expected);
    }
    return expected;
}
const ifElseNodeExecutor = {
    callsLlm: false,
    execute (node, ctx) {
        const conditionResults = [];
        let inputConditions = [];
        let selected = _workflowdsl.IF_ELSE_DEFAULT_HANDLE;
        let result = false;
        for (const c of node.data.cases){
            inputConditions = [];
            const results = [];
            let final = c.logical_operator === 'and';
            for (const condition of c.conditions){
                const actual = ctx.pool.get(condition.variable_selector);
                const op = condition.comparison_operator;
                if (actual === undefined && !ABOUT_PRESENCE.has(op)) throw new _conditionevaluator.ConditionError(`Variable ${JSON.stringify(condition.variable_selector)} not found`);
                let ok;
                if (op === 'exists' || op === 'not exists') ok = (0, _conditionevaluator.evaluateCondition)(op, actual, null);
                else {
                    const expected = expectedOf(condition, actual, ctx.pool);
                    inputConditions.push({
                        actual_value: actual ?? null,
                        expected_value: expected,
                        comparison_operator: op
                    });
                    ok = (0, _conditionevaluator.evaluateCondition)(op, actual, expected);
                }
                results.push(ok);
                // Short-circuit as Dify does: 'and' stops at the first false, 'or' at the first true.
                if (c.logical_operator === 'and' ? !ok : ok) {
                    final = ok;
                    break;
                }
            }
            conditionResults.push({
                group: node.data.legacy ? 'default' : c,
                results,
                final_result: final
            });
            if (final) {
                result = true;
                selected = c.case_id;
                break;
            }
        }
        return {
            inputs: {
                conditions: inputConditions
            },
            outputs: {
                result,
                selected_case_id: selected
            },
            processData: {
                condition_results: conditionResults
            }
        };
    },
    takenHandles: (_node, outputs)=>[
            typeof outputs.selected_case_id === 'string' ? outputs.selected_case_id : _workflowdsl.IF_ELSE_DEFAULT_HANDLE
        ]
};

//# sourceMappingURL=if-else.node.js.map