// One LLM node call with structured output: asked in the mode the model supports, parsed and
// validated, and repaired once with a second call (its own call id) when the answer does not match.
import type { LlmChatRequest, LlmChatResult, LlmPort } from '../ports';
import { costCarriedBy } from '../run-cost';
import { extraCallId } from '../call-id';
import { LlmCallTally } from './llm-call';
import {
  parseStructuredOutput,
  repairMessages,
  responseFormatFor,
  structuredOutputModeOf,
  withStructuredOutputInstruction,
} from './structured-output';

export class StructuredOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StructuredOutputError';
  }
}

export interface StructuredOutcome {
  /** The call whose answer was taken (the repair's when there was one). */
  result: LlmChatResult;
  structured: Record<string, unknown>;
  /** The prompt of that call. */
  messages: LlmChatRequest['messages'];
  repaired: boolean;
}

export async function callWithStructuredOutput(
  llm: LlmPort,
  request: LlmChatRequest,
  schema: Record<string, unknown>,
  tally: LlmCallTally,
): Promise<StructuredOutcome> {
  const mode = structuredOutputModeOf(request.model);
  const responseFormat = responseFormatFor(mode, schema);
  const first: LlmChatRequest = { ...request, messages: withStructuredOutputInstruction(request.messages, schema) };
  if (responseFormat) first.responseFormat = responseFormat;
  const result = await call(llm, first, tally);
  const parsed = parseStructuredOutput(result.text, schema);
  if (parsed.ok) return { result, structured: parsed.value, messages: first.messages, repaired: false };
  const repair: LlmChatRequest = {
    ...first,
    callId: extraCallId(request.callId, 1, 'repair'),
    messages: repairMessages(first.messages, result.text, parsed.problem),
  };
  const second = await call(llm, repair, tally);
  const reparsed = parseStructuredOutput(second.text, schema);
  if (reparsed.ok) return { result: second, structured: reparsed.value, messages: repair.messages, repaired: true };
  throw tally.fail(new StructuredOutputError(`structured output failed after one repair attempt: ${reparsed.problem}`));
}

async function call(llm: LlmPort, req: LlmChatRequest, tally: LlmCallTally): Promise<LlmChatResult> {
  try {
    const result = await llm.chat(req);
    tally.add(result);
    return result;
  } catch (err) {
    tally.addCost(costCarriedBy(err));
    throw err instanceof Error ? tally.fail(err) : err;
  }
}
