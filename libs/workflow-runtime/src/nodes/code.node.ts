// code: runs the node's `main` in the code sandbox (a port) over its variables and checks what it returned.
import type { CodeNode } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';
import { CodeOutputValidator, DEFAULT_CODE_OUTPUT_LIMITS, type CodeOutputLimits } from './code-output.validator';
import type { CodeSandbox } from '../ports';

/** What a run needs to execute code nodes: the sandbox and the output limits. */
export interface CodeNodeSupport {
  sandbox: CodeSandbox;
  limits: CodeOutputLimits;
}

export function codeNodeSupport(sandbox: CodeSandbox | undefined, limits?: Partial<CodeOutputLimits>): CodeNodeSupport | null {
  return sandbox ? { sandbox, limits: { ...DEFAULT_CODE_OUTPUT_LIMITS, ...limits } } : null;
}

// one validator per limits object: runs share the engine's
const validators = new WeakMap<CodeOutputLimits, CodeOutputValidator>();

export const codeNodeExecutor: NodeExecutor<CodeNode> = {
  callsLlm: false,
  async execute(node, ctx) {
    const variables: Record<string, unknown> = {};
    for (const { variable, value_selector } of node.data.variables) variables[variable] = ctx.pool.get(value_selector) ?? null;
    if (!ctx.code) throw new Error('Code nodes cannot run here: no code sandbox is configured');
    const result = await ctx.code.sandbox.run({
      language: node.data.code_language,
      code: node.data.code,
      inputs: variables,
      signal: ctx.signal,
    });
    let validator = validators.get(ctx.code.limits);
    if (!validator) validators.set(ctx.code.limits, (validator = new CodeOutputValidator(ctx.code.limits)));
    return { inputs: variables, outputs: validator.validate(result, node.data.outputs) };
  },
};
