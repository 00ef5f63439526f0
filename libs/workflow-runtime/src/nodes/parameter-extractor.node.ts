// parameter-extractor: asks the model to fill the node's parameters from the query (Dify's prompts,
// function calling or a JSON prompt), and outputs each parameter with `__is_success`, `__reason` and
// `__usage`. An answer that does not fit is not a node error (Dify's node succeeds with
// `__is_success: 0`); a failed model call is.
import { renderTemplate, type ParameterExtractorNode } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';
import { LlmCallTally } from '../llm/llm-call';
import { memoryHistories, nodeLlmRequest, promptText, withNodeImages } from '../llm/llm-node-support';
import { parameterExtractorPrompt } from './parameter-extractor.prompt';
import { extractParameters } from './parameter-extractor.result';

export const parameterExtractorNodeExecutor: NodeExecutor<ParameterExtractorNode> = {
  callsLlm: true,
  async execute(node, ctx) {
    const { data } = node;
    const query = promptText(ctx.pool.get(data.query));
    const instruction = renderTemplate(data.instruction, ctx.pool.lookup);
    const prompt = parameterExtractorPrompt({
      mode: data.model.mode,
      reasoningMode: data.reasoning_mode,
      query,
      instruction,
      histories: memoryHistories(data.memory, ctx.history),
      parameters: data.parameters,
    });
    const messages = withNodeImages(prompt.messages, data, ctx);
    const request = nodeLlmRequest(node.id, data.model, messages, ctx);
    if (prompt.tools.length) request.tools = prompt.tools;
    const tally = new LlmCallTally();
    const result = await ctx.llm.chat(request);
    tally.add(result);
    // Dify reads the first call the model made
    const toolCall = result.toolCalls?.[0] ?? null;
    const extracted = extractParameters(data.parameters, { text: result.text, toolArguments: toolCall ? toolCall.arguments : null });
    return tally.result(
      { query, files: [], parameters: data.parameters, instruction: data.instruction },
      {
        ...extracted.values,
        __is_success: extracted.reason === null ? 1 : 0,
        __reason: extracted.reason,
        __usage: tally.usage(),
      },
      {
        model_mode: data.model.mode,
        prompts: messages,
        usage: tally.usage(),
        function: prompt.tools[0] ?? {},
        tool_call: toolCall,
        llm_text: result.text,
        model_provider: data.model.provider ?? null,
        model_name: data.model.name,
      },
    );
  },
};
