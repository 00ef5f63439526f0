// template-transform: renders the Jinja2 template over its variables into `output`.
import type { TemplateTransformNode } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';
import { renderJinja2 } from './jinja2.renderer';

export const templateTransformNodeExecutor: NodeExecutor<TemplateTransformNode> = {
  callsLlm: false,
  deterministic: true,
  execute(node, ctx) {
    const variables: Record<string, unknown> = {};
    for (const { variable, value_selector } of node.data.variables) variables[variable] = ctx.pool.get(value_selector) ?? null;
    return { inputs: variables, outputs: { output: renderJinja2(node.data.template, variables) } };
  },
};
