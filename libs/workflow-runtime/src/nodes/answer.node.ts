// answer: renders its template; the rendered text is the node's `answer` and is streamed as text_chunk.
import { compileTemplate, renderCompiledTemplate, type AnswerNode, type AnswerNodeData, type CompiledTemplate } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';

const compiled = new WeakMap<AnswerNodeData, CompiledTemplate>();

export const answerNodeExecutor: NodeExecutor<AnswerNode> = {
  callsLlm: false,
  execute(node, ctx) {
    let template = compiled.get(node.data);
    if (!template) {
      template = compileTemplate(node.data.answer);
      compiled.set(node.data, template);
    }
    const answer = renderCompiledTemplate(template, ctx.pool.lookup);
    // The whole answer as one chunk once it is known (token-level streaming through the answer is not done yet).
    if (ctx.emitTextChunk && answer !== '') ctx.emitTextChunk(answer, [node.id, 'answer']);
    return { inputs: null, outputs: { answer, files: [] } };
  },
};
