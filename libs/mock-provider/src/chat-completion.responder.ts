// Writes the mock's chat completion, as one JSON body or as an SSE stream, applying the
// streaming faults (stall, inter-chunk delay, cut, malformed chunk).
import { ServerResponse } from 'node:http';
import { FaultSpec } from './fault-spec';
import { pause, sendJson, write } from './http-io';
import { MockUsage, mockWordPieces } from './mock-answer';

export const SYSTEM_FINGERPRINT = 'shoal-mock';

export interface Completion {
  id: string;
  created: number;
  model: string;
  usage: MockUsage;
  includeUsage: boolean;
  headers: Record<string, string>;
}

function usageOf(u: MockUsage) {
  return {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.total_tokens,
    prompt_tokens_details: { cached_tokens: 0 },
  };
}

/** The assistant message: the answer, or a scripted function call, with any scripted reasoning. */
function messageOf(u: MockUsage) {
  return {
    role: 'assistant',
    content: u.tool_calls ? null : u.answer,
    ...(u.reasoning !== undefined ? { reasoning_content: u.reasoning } : {}),
    ...(u.tool_calls ? { tool_calls: wireToolCalls(u).map(({ index: _index, ...call }) => call) } : {}),
  };
}

/** As stream deltas carry them (with `index`); a completion's message leaves the index out. */
function wireToolCalls(u: MockUsage) {
  return (u.tool_calls ?? []).map((t, index) => ({
    index,
    id: t.id,
    type: 'function',
    function: { name: t.name, arguments: t.arguments },
  }));
}

export function sendCompletion(res: ServerResponse, c: Completion): void {
  sendJson(
    res,
    200,
    {
      id: c.id,
      object: 'chat.completion',
      created: c.created,
      model: c.model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices: [{ index: 0, message: messageOf(c.usage), finish_reason: c.usage.finish_reason, logprobs: null }],
      usage: usageOf(c.usage),
    },
    c.headers,
  );
}

export async function streamCompletion(res: ServerResponse, c: Completion, fault: FaultSpec, signal: AbortSignal): Promise<void> {
  const chunk = (choices: unknown[], usage?: unknown) => ({
    id: c.id,
    object: 'chat.completion.chunk',
    created: c.created,
    model: c.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
    // OpenAI sends `usage: null` on every chunk but the last when usage was asked for.
    ...(c.includeUsage ? { usage: usage ?? null } : {}),
  });
  const delta = (d: object, finish: string | null = null) => chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);
  const malformed = `data: {"id":"${c.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n`;

  let first = true;
  const send = async (data: string): Promise<boolean> => {
    if (!(await pause(first ? fault.stallBeforeFirstTokenMs : fault.interChunkDelayMs, signal))) return false;
    first = false;
    await write(res, data);
    return !res.destroyed;
  };
  const event = (body: unknown) => send(`data: ${JSON.stringify(body)}\n\n`);

  res.writeHead(200, { ...c.headers, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  res.flushHeaders();

  if (!(await event(delta({ role: 'assistant', content: '' })))) return;
  for (const piece of c.usage.reasoning !== undefined ? mockWordPieces(c.usage.reasoning) : [])
    if (!(await event(delta({ reasoning_content: piece })))) return;
  if (c.usage.tool_calls && !(await event(delta({ tool_calls: wireToolCalls(c.usage) })))) return;
  const pieces = mockWordPieces(c.usage.answer);
  for (let n = 1; n <= pieces.length; n++) {
    if (fault.cutAfterChunks !== undefined && n > fault.cutAfterChunks) return void res.destroy();
    const ok = fault.malformedChunkAt === n ? await send(malformed) : await event(delta({ content: pieces[n - 1] }));
    if (!ok) return;
  }
  // Faults aimed past the last word still fire, before the stream could complete normally.
  if (fault.cutAfterChunks !== undefined) return void res.destroy();
  if (fault.malformedChunkAt !== undefined && fault.malformedChunkAt > pieces.length && !(await send(malformed))) return;

  if (!(await event(delta({}, c.usage.finish_reason)))) return;
  if (c.includeUsage && !(await event(chunk([], usageOf(c.usage))))) return;
  if (!(await send('data: [DONE]\n\n'))) return;
  res.end();
}
