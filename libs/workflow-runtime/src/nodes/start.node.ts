// start: the run's inputs, checked against the form, become the node's outputs.
import { validateStartNodeInputs, type StartNode } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';
import { InvalidRunInputsError } from '../runtime.errors';

export const startNodeExecutor: NodeExecutor<StartNode> = {
  callsLlm: false,
  deterministic: true,
  execute(node, ctx) {
    // The gateway validates before enqueuing; this is the backstop for runs that reach the engine otherwise.
    const result = validateStartNodeInputs(node.data.variables, ctx.runInputs, ctx.inputLimits);
    if (!result.ok) throw new InvalidRunInputsError(result.issues);
    return { inputs: result.inputs, outputs: result.inputs };
  },
};
