// What the question-classifier and parameter-extractor share with the LLM node around one call:
// their memory as Dify's fetch_memory_text writes it, their query as text, their images.
import { llmVisionOf, stringifyValue, type LlmModelConfig } from '@shoal/workflow-dsl';
import type { NodeRunContext } from '../node-executor';
import type { LlmChatRequest, LlmMessage } from '../ports';
import { historyText, llmMemoryOf, memoryWindow } from '../llm-memory';
import { visionParts, withImages } from './llm-vision';

/** The conversation's turns as "Human: …" / "Assistant: …" lines (graphon fetch_memory_text); '' without memory. */
export function memoryHistories(memory: unknown, history: NodeRunContext['history']): string {
  const config = llmMemoryOf(memory);
  if (!config) return '';
  return historyText(memoryWindow(history, config), { user: 'Human', assistant: 'Assistant' });
}

/** A variable's value as text in a prompt ('' when it is missing). */
export function promptText(value: unknown): string {
  return stringifyValue(value);
}

/** The prompt with the node's vision images in it (unchanged when vision is off). */
export function withNodeImages(messages: LlmMessage[], data: { vision?: unknown }, ctx: NodeRunContext): LlmMessage[] {
  const vision = llmVisionOf(data);
  return vision ? withImages(messages, visionParts(ctx.pool.get(vision.selector), vision)) : messages;
}

/** The port request of a node's own call. */
export function nodeLlmRequest(nodeId: string, model: LlmModelConfig, messages: LlmMessage[], ctx: NodeRunContext): LlmChatRequest {
  const request: LlmChatRequest = {
    callId: ctx.callId,
    runId: ctx.runId,
    nodeId,
    model: model.name,
    messages,
    params: model.completion_params,
    signal: ctx.signal,
  };
  if (model.provider) request.provider = model.provider;
  return request;
}
