// JSON mode's blank answer: DeepSeek documents that `response_format: json_object` may come back
// with empty content. Model-pool asks once more, then says so.

/** True when the completion's first choice has no content but whitespace (and no tool calls). */
export function isBlankAnswer(parsed: { choices?: unknown }): boolean {
  const choice: unknown = Array.isArray(parsed.choices) ? parsed.choices[0] : undefined;
  const message = typeof choice === 'object' && choice !== null ? (choice as { message?: unknown }).message : undefined;
  if (typeof message !== 'object' || message === null) return true;
  const { content, tool_calls: toolCalls } = message as { content?: unknown; tool_calls?: unknown };
  if (Array.isArray(toolCalls) && toolCalls.length > 0) return false;
  return typeof content !== 'string' || content.trim() === '';
}

export class BlankJsonAnswerError extends Error {
  override readonly name = 'BlankJsonAnswerError';
  constructor() {
    super(
      "The provider answered this JSON-mode request (response_format: json_object) with blank content twice (asked once more after the first). DeepSeek's JSON mode can do this: describe the JSON wanted in the prompt, with an example, and leave max_tokens room for it",
    );
  }
}
