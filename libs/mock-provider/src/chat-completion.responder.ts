// Writes the mock's chat completion, as one JSON body or as an SSE stream, applying the
// streaming faults (keep-alive lines, stall, inter-chunk delay, stall mid-stream, cut, malformed chunk).
import { ServerResponse } from 'node:http';
import { FaultSpec } from './fault-spec';
import { pause, sendJson, write } from './http-io';
import { MockUsage, mockTokenCount, mockWordPieces } from './mock-answer';

export const SYSTEM_FINGERPRINT = 'shoal-mock';

export interface Completion {
  id: string;
  created: number;
  model: string;
  usage: MockUsage;
  includeUsage: boolean;
  headers: Record<string, string>;
  /** Thinking mode (DeepSeek): the reasoning_content sent ahead of the answer. */
  reasoning?: string;
  /** DeepSeek's usage shape: prompt tokens served from its cache (the rest are cache misses). */
  cacheHitTokens?: number;
}

function usageOf(c: Completion) {
  const u = c.usage;
  const reasoningTokens = c.reasoning ? mockTokenCount(c.reasoning) : 0;
  const common = { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, total_tokens: u.total_tokens };
  if (c.cacheHitTokens !== undefined)
    return {
      ...common,
      prompt_cache_hit_tokens: c.cacheHitTokens,
      prompt_cache_miss_tokens: u.prompt_tokens - c.cacheHitTokens,
      completion_tokens_details: { reasoning_tokens: reasoningTokens },
    };
  return { ...common, prompt_tokens_details: { cached_tokens: 0 } };
}

/**
 * DeepSeek's keep-alive while a request waits in its queue: on a stream, `: keep-alive` comments
 * alternating with blank lines (it sends both kinds); before a JSON body, empty lines.
 */
async function keepAlive(res: ServerResponse, fault: FaultSpec, lines: readonly string[], signal: AbortSignal): Promise<boolean> {
  for (let i = 0; i < (fault.keepAliveLines ?? 0); i++) {
    if (!(await pause(fault.keepAliveIntervalMs ?? 50, signal))) return false;
    await write(res, lines[i % lines.length]);
    if (res.destroyed) return false;
  }
  return !res.destroyed;
}

/** The reasoning sent ahead of the answer: DeepSeek's thinking mode, or a script's `<mock-reasoning>`. */
function reasoningOf(c: Completion): string | undefined {
  return c.reasoning ?? c.usage.reasoning;
}

/** The assistant message: the answer, or a scripted function call, with any reasoning. */
function messageOf(c: Completion) {
  const u = c.usage;
  const reasoning = reasoningOf(c);
  return {
    role: 'assistant',
    content: u.tool_calls ? null : u.answer,
    ...(reasoning !== undefined ? { reasoning_content: reasoning } : {}),
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

export async function sendCompletion(res: ServerResponse, c: Completion, fault: FaultSpec, signal: AbortSignal): Promise<void> {
  const message = messageOf(c);
  const body = {
    id: c.id,
    object: 'chat.completion',
    created: c.created,
    model: c.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: [{ index: 0, message, finish_reason: c.usage.finish_reason, logprobs: null }],
    usage: usageOf(c),
  };
  if (!fault.keepAliveLines) return sendJson(res, 200, body, c.headers);
  res.writeHead(200, { ...c.headers, 'Content-Type': 'application/json' });
  res.flushHeaders();
  if (!(await keepAlive(res, fault, ['\n'], signal))) return;
  res.end(JSON.stringify(body));
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
  if (!(await keepAlive(res, fault, [': keep-alive\n\n', '\n'], signal))) return;

  if (!(await event(delta({ role: 'assistant', content: '' })))) return;
  // thinking mode (DeepSeek) or a scripted reasoning: it streams first, as reasoning_content deltas with no content
  const reasoning = reasoningOf(c);
  for (const piece of reasoning !== undefined ? mockWordPieces(reasoning) : [])
    if (!(await event(delta({ content: null, reasoning_content: piece })))) return;
  if (c.usage.tool_calls && !(await event(delta({ tool_calls: wireToolCalls(c.usage) })))) return;
  const pieces = mockWordPieces(c.usage.answer);
  for (let n = 1; n <= pieces.length; n++) {
    if (fault.cutAfterChunks !== undefined && n > fault.cutAfterChunks) return void res.destroy();
    if (fault.stallAfterChunks !== undefined && n === fault.stallAfterChunks + 1 && !(await pause(fault.stallMs ?? 600_000, signal)))
      return;
    const ok = fault.malformedChunkAt === n ? await send(malformed) : await event(delta({ content: pieces[n - 1] }));
    if (!ok) return;
  }
  // Faults aimed past the last word still fire, before the stream could complete normally.
  if (fault.cutAfterChunks !== undefined) return void res.destroy();
  if (fault.malformedChunkAt !== undefined && fault.malformedChunkAt > pieces.length && !(await send(malformed))) return;

  if (!(await event(delta({}, c.usage.finish_reason)))) return;
  if (c.includeUsage && !(await event(chunk([], usageOf(c))))) return;
  if (!(await send('data: [DONE]\n\n'))) return;
  res.end();
}
