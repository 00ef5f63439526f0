// question-classifier: asks the model which class the query belongs to (Dify's prompt), reads the
// class from its JSON answer as graphon does, and leaves by that class's handle.
//
// graphon _resolve_category: `<think>` blocks are dropped, the first JSON block is parsed; no JSON
// block, or JSON that is not an object, fails the node with Dify's message. An object without
// `category_id` and `category_name`, or naming an id the node does not have, falls back to the
// first class.
import { renderTemplate, type QuestionClassifierNode } from '@shoal/workflow-dsl';
import type { NodeExecutor, NodeRunContext } from '../node-executor';
import { LlmCallTally } from '../llm/llm-call';
import { parseJsonObjectMarkdown, stripThinkTags } from '../llm/json-in-text';
import { memoryHistories, nodeLlmRequest, promptText, withNodeImages } from '../llm/llm-node-support';
import { questionClassifierPrompt } from './question-classifier.prompt';

export interface ChosenClass {
  id: string;
  name: string;
  label: string;
}

/** graphon's default label of the n-th class (1-based). */
const defaultLabel = (n: number) => `CLASS ${n}`;

/** The class the model's answer names, or the first class (Dify's fallback). Throws when the answer holds no JSON object. */
export function chosenClass(answer: string, classes: ReadonlyArray<{ id: string; name: string; label: string }>): ChosenClass {
  const json = parseJsonObjectMarkdown(stripThinkTags(answer));
  const first = { id: classes[0].id, name: classes[0].name, label: classes[0].label || defaultLabel(1) };
  if (!('category_name' in json) || !('category_id' in json)) return first;
  const i = classes.findIndex((c) => c.id === json.category_id);
  if (i < 0) return first;
  return { id: classes[i].id, name: classes[i].name, label: classes[i].label || defaultLabel(i + 1) };
}

export const questionClassifierNodeExecutor: NodeExecutor<QuestionClassifierNode> = {
  callsLlm: true,
  async execute(node, ctx: NodeRunContext) {
    const { data } = node;
    const query = ctx.pool.get(data.query_variable_selector);
    const classes = data.classes.map((c) => ({ ...c, name: renderTemplate(c.name, ctx.pool.lookup) }));
    const instruction = renderTemplate(data.instruction, ctx.pool.lookup);
    let messages = questionClassifierPrompt({
      mode: data.model.mode,
      query: promptText(query),
      classes,
      instruction,
      histories: memoryHistories(data.memory, ctx.history),
    });
    messages = withNodeImages(messages, data, ctx);
    const tally = new LlmCallTally();
    const result = await ctx.llm.chat(nodeLlmRequest(node.id, data.model, messages, ctx));
    tally.add(result);
    const processData = {
      model_mode: data.model.mode,
      prompts: messages,
      usage: tally.usage(),
      finish_reason: result.finishReason,
      model_provider: data.model.provider ?? null,
      model_name: data.model.name,
    };
    let chosen: ChosenClass;
    try {
      chosen = chosenClass(result.text, classes);
    } catch (err) {
      throw tally.fail(err as Error);
    }
    return tally.result(
      { query: query ?? null },
      { class_name: chosen.name, class_label: chosen.label, class_id: chosen.id, usage: tally.usage() },
      processData,
    );
  },
  takenHandles: (node, outputs) => [typeof outputs.class_id === 'string' ? outputs.class_id : node.data.classes[0].id],
};
