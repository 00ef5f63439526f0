// Scripted answers: a test (or a compatibility fixture) writes what the mock must answer into the
// prompt itself, so the script travels with the request through every Shoal process to the mock.
//
//   <mock-answer>TEXT</mock-answer>                    answer TEXT (JSON included, as written)
//   <mock-tool-call name="NAME">ARGS</mock-tool-call>  answer with a call of function NAME, arguments ARGS
//   <mock-reasoning>TEXT</mock-reasoning>              the next answer's reasoning_content (a thinking model)
//
// Directives are read from the last system or user message that has any (a conversation's history may
// hold earlier turns' scripts; the newest one counts); each answer or tool call in it is one turn.
// The turn answered is the number of earlier turns already in the conversation as assistant
// messages (a repair call sends the wrong answer back), so a script of two turns answers the first
// call with the first and the follow-up with the second; past the last turn, the last repeats.
// Without directives the mock answers as it always has ("Mock answer: " + the last user message).
import type { MockChatMessage } from './mock-answer';

export interface MockToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface MockTurn {
  content: string;
  toolCall?: MockToolCall;
  reasoning?: string;
}

interface ScriptMessage extends MockChatMessage {
  tool_calls?: ReadonlyArray<{ function?: { name?: string; arguments?: string } }> | null;
}

const DIRECTIVE =
  /<mock-answer>([\s\S]*?)<\/mock-answer>|<mock-tool-call name="([^"<>]{1,64})">([\s\S]*?)<\/mock-tool-call>|<mock-reasoning>([\s\S]*?)<\/mock-reasoning>/g;
/** Directives are looked for in this much of each message: a script sits in a test's own prompt. */
const MAX_SCANNED_CHARS = 256 * 1024;

function textOf(m: ScriptMessage): string {
  if (typeof m.content === 'string') return m.content;
  if (!m.content) return '';
  return m.content.map((p) => (p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('\n');
}

/** The scripted turns of a conversation, in order; empty when it has none. */
export function mockScript(messages: ReadonlyArray<ScriptMessage>): MockTurn[] {
  const turns: MockTurn[] = [];
  let reasoning: string | undefined;
  for (let i = messages.length - 1; i >= 0 && !turns.length; i--) {
    const m = messages[i];
    if (m.role !== 'system' && m.role !== 'user') continue;
    const text = textOf(m).slice(0, MAX_SCANNED_CHARS);
    if (!text.includes('<mock-')) continue;
    for (const match of text.matchAll(DIRECTIVE)) {
      if (match[4] !== undefined) {
        reasoning = match[4];
        continue;
      }
      const turn: MockTurn =
        match[1] !== undefined
          ? { content: match[1] }
          : { content: '', toolCall: { id: `call_mock_${turns.length + 1}`, name: match[2], arguments: match[3] } };
      if (reasoning !== undefined) turn.reasoning = reasoning;
      reasoning = undefined;
      turns.push(turn);
    }
  }
  return turns;
}

/** The scripted turn this request gets, or null when the conversation has no script. */
export function mockScriptedTurn(messages: ReadonlyArray<ScriptMessage>): MockTurn | null {
  const turns = mockScript(messages);
  if (!turns.length) return null;
  let answered = 0;
  for (const turn of turns) if (messages.some((m) => m.role === 'assistant' && echoes(m, turn))) answered++;
  return turns[Math.min(answered, turns.length - 1)];
}

function echoes(m: ScriptMessage, turn: MockTurn): boolean {
  if (turn.toolCall)
    return !!m.tool_calls?.some((c) => c.function?.name === turn.toolCall?.name && c.function?.arguments === turn.toolCall?.arguments);
  return textOf(m) === turn.content;
}
