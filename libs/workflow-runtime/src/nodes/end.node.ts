// end: picks the run's outputs from the pool.
import type { EndNode } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';

export const endNodeExecutor: NodeExecutor<EndNode> = {
  callsLlm: false,
  deterministic: true,
  execute(node, ctx) {
    const outputs: Record<string, unknown> = {};
    for (const { variable, value_selector } of node.data.outputs) {
      // null rather than undefined, so the output survives JSON and reads as "no value", as in Dify.
      const value = ctx.pool.get(value_selector);
      outputs[variable] = value === undefined ? null : value;
    }
    return { inputs: outputs, outputs };
  },
};
