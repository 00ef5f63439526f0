// variable-aggregator (and legacy variable-assigner): the first selector that has a value, per group.
import type { LegacyVariableAssignerNode, VariableAggregatorNode } from '@shoal/workflow-dsl';
import type { NodeExecutor, NodeRunContext, NodeRunResult } from '../node-executor';

function firstValue(selectors: readonly string[][], ctx: NodeRunContext): { selector: readonly string[]; value: unknown } | null {
  for (const selector of selectors) {
    const value = ctx.pool.get(selector);
    // Dify skips variables missing from the pool (a branch that did not run); null is a value.
    if (value !== undefined) return { selector, value };
  }
  return null;
}

function aggregate(node: VariableAggregatorNode | LegacyVariableAssignerNode, ctx: NodeRunContext): NodeRunResult {
  const outputs: Record<string, unknown> = {};
  const inputs: Record<string, unknown> = {};
  if (node.data.groups) {
    for (const group of node.data.groups) {
      const found = firstValue(group.variables, ctx);
      if (!found) continue;
      outputs[group.group_name] = { output: found.value };
      inputs[found.selector.slice(1).join('.')] = found.value;
    }
  } else {
    const found = firstValue(node.data.variables, ctx);
    if (found) {
      outputs.output = found.value;
      inputs[found.selector.slice(1).join('.')] = found.value;
    }
  }
  return { inputs, outputs };
}

export const variableAggregatorNodeExecutor: NodeExecutor<VariableAggregatorNode> = {
  callsLlm: false,
  deterministic: true,
  execute: aggregate,
};
export const legacyVariableAssignerNodeExecutor: NodeExecutor<LegacyVariableAssignerNode> = {
  callsLlm: false,
  deterministic: true,
  execute: aggregate,
};
