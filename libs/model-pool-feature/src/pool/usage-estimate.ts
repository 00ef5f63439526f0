// Shoal's estimate of a call's usage when the provider never reported it (a stream that broke, a
// provider that ignores include_usage, a caller gone mid-call): 4 characters a prompt token, one
// completion token per streamed content chunk. Metered with `estimated: true`.
import type { NormalizedUsage } from '@shoal/model-routing';

/** A rough token count of the prompt, for calls whose provider reported no usage. */
export function estimatePromptTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let chars = 0;
  for (const m of messages as Array<{ content?: unknown }>) {
    const content = m?.content;
    if (typeof content === 'string') chars += content.length;
    else if (Array.isArray(content))
      for (const part of content as Array<{ text?: unknown }>) if (typeof part?.text === 'string') chars += part.text.length;
  }
  return Math.ceil(chars / 4);
}

/** The usage chunk model-pool sends a run's call in place of one its provider did not send. */
export function estimatedUsageChunk(model: string, u: NormalizedUsage, cost: object): object {
  return {
    object: 'chat.completion.chunk',
    model,
    choices: [],
    usage: { prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.totalTokens },
    ...cost,
  };
}

export function estimatedUsage(messages: unknown, completionTokens: number): NormalizedUsage {
  const promptTokens = estimatePromptTokens(messages);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, cachedPromptTokens: 0, reasoningTokens: 0 };
}

/** A JSON answer's completion, in tokens, estimated from its messages' text (4 characters a token). */
export function estimateCompletionTokens(answer: { choices?: unknown }): number {
  if (!Array.isArray(answer.choices)) return 0;
  let chars = 0;
  for (const c of answer.choices as Array<{ message?: { content?: unknown; reasoning_content?: unknown } }>) {
    for (const text of [c?.message?.content, c?.message?.reasoning_content]) if (typeof text === 'string') chars += text.length;
  }
  return Math.ceil(chars / 4);
}
