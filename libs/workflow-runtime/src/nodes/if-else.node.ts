// if-else: the first case whose conditions hold picks the branch (its case_id); none picks 'false'.
import { IF_ELSE_DEFAULT_HANDLE, renderTemplate, type IfElseCondition, type IfElseNode } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';
import type { VariablePool } from '../variable-pool';
import { ConditionError, evaluateCondition, toBoolean, type Expected } from './condition.evaluator';

/** Operators that are answerable about a variable that resolved to nothing (Dify fails the others). */
const ABOUT_PRESENCE = new Set(['null', 'not null', 'exists', 'not exists', 'empty', 'not empty']);

function expectedOf(condition: IfElseCondition, actual: unknown, pool: VariablePool): Expected {
  const raw = condition.value;
  if (raw === undefined || raw === null) return null;
  const expected: Expected = typeof raw === 'string' ? renderTemplate(raw, pool.lookup) : raw;
  if (typeof actual === 'boolean' || (Array.isArray(actual) && actual.length > 0 && actual.every((x) => typeof x === 'boolean'))) {
    return Array.isArray(expected) ? expected.map(toBoolean) : toBoolean(expected);
  }
  return expected;
}

export const ifElseNodeExecutor: NodeExecutor<IfElseNode> = {
  callsLlm: false,
  deterministic: true,
  execute(node, ctx) {
    const conditionResults: Array<Record<string, unknown>> = [];
    let inputConditions: Array<Record<string, unknown>> = [];
    let selected = IF_ELSE_DEFAULT_HANDLE;
    let result = false;
    for (const c of node.data.cases) {
      inputConditions = [];
      const results: boolean[] = [];
      let final = c.logical_operator === 'and';
      for (const condition of c.conditions) {
        const actual = ctx.pool.get(condition.variable_selector);
        const op = condition.comparison_operator;
        if (actual === undefined && !ABOUT_PRESENCE.has(op))
          throw new ConditionError(`Variable ${JSON.stringify(condition.variable_selector)} not found`);
        let ok: boolean;
        if (op === 'exists' || op === 'not exists') ok = evaluateCondition(op, actual, null);
        else {
          const expected = expectedOf(condition, actual, ctx.pool);
          inputConditions.push({ actual_value: actual ?? null, expected_value: expected, comparison_operator: op });
          ok = evaluateCondition(op, actual, expected);
        }
        results.push(ok);
        // Short-circuit as Dify does: 'and' stops at the first false, 'or' at the first true.
        if (c.logical_operator === 'and' ? !ok : ok) {
          final = ok;
          break;
        }
      }
      conditionResults.push({ group: node.data.legacy ? 'default' : c, results, final_result: final });
      if (final) {
        result = true;
        selected = c.case_id;
        break;
      }
    }
    return {
      inputs: { conditions: inputConditions },
      outputs: { result, selected_case_id: selected },
      processData: { condition_results: conditionResults },
    };
  },
  takenHandles: (_node, outputs) => [typeof outputs.selected_case_id === 'string' ? outputs.selected_case_id : IF_ELSE_DEFAULT_HANDLE],
};
