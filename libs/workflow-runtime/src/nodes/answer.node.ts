// answer: renders its template into the node's `answer`. What a streaming run sends of it, and when, is
// the stream coordinator's business (piece by piece, as its references become available).
import { compileTemplate, renderCompiledTemplate, type AnswerNode, type AnswerNodeData, type CompiledTemplate } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';

const compiled = new WeakMap<AnswerNodeData, CompiledTemplate>();

export const answerNodeExecutor: NodeExecutor<AnswerNode> = {
  callsLlm: false,
  deterministic: true,
  execute(node, ctx) {
    let template = compiled.get(node.data);
    if (!template) {
      template = compileTemplate(node.data.answer);
      compiled.set(node.data, template);
    }
    const answer = renderCompiledTemplate(template, ctx.pool.lookup);
    return { inputs: null, outputs: { answer, files: [] } };
  },
};
