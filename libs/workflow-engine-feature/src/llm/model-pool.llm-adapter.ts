// The runtime's LLM port over CHAT_COMPLETIONS_PORT: model-pool's service in process (standalone)
// or model-pool over HTTP (distributed). The call id, tenant and run travel in the call context.
// Model-pool prices a run's call where it makes it and says what it cost in `shoal_cost` (on the
// completion, on the final usage chunk of a stream, or on the error event of a broken stream).
import { StringDecoder } from 'node:string_decoder';
import {
  INTERNAL_HEADERS,
  SHOAL_COST_FIELD,
  chatCompletionRequestSchema,
  type ChatCompletionsAnswer,
  type ChatCompletionsPort,
  type ShoalCost,
} from '@shoal/contracts';
import {
  extraCallId,
  type LlmChatRequest,
  type LlmChatResult,
  type LlmMessage,
  type LlmPort,
  type LlmToolCall,
} from '@shoal/workflow-runtime';
import { ModelPoolBrokeOffError } from '@shoal/platform';

type Usage = LlmChatResult['usage'];
interface Chunk {
  model?: string;
  error?: { message?: string; [SHOAL_COST_FIELD]?: unknown };
  choices?: Array<{ delta?: { content?: string | null; reasoning_content?: string | null }; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
}
interface WireToolCall {
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}
interface Completion {
  model?: string;
  choices?: Array<{
    message?: { content?: string | null; reasoning_content?: string | null; tool_calls?: WireToolCall[] | null };
    finish_reason?: string | null;
  }>;
  usage?: Chunk['usage'];
}

// the hop to model-pool (not the provider: model-pool fails over between deployments itself) is
// retried a couple of times on what a retry can fix
const RETRIES = 2;
// one SSE event of model-pool's: far beyond any chunk
const MAX_EVENT_BYTES = 8 * 1024 * 1024;
const RETRY_BASE_MS = 500;
// a Retry-After from model-pool (every deployment cooling down) is honoured up to this
const MAX_RETRY_AFTER_MS = 30_000;
const retryable = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;
// model-pool itself unreachable (refused, reset: it is restarting) is not the provider's answer: it is
// retried for longer, up to a bounded time, as nothing should have reached the provider
const DEFAULT_OUTAGE_RETRY_MS = 30_000;
const MAX_OUTAGE_WAIT_MS = 2000;
const unreachable = (err: unknown) =>
  (err as { code?: unknown }).code === 'upstream_unavailable' && !(err instanceof ModelPoolBrokeOffError);

export class ModelPoolLlmAdapter implements LlmPort {
  constructor(
    private readonly pool: ChatCompletionsPort,
    private readonly caller: {
      tenantId: string;
      apiKeyId: string | null;
      traceparent?: string;
      /** how long to keep retrying while model-pool refuses connections */
      outageRetryMs?: number;
      /** told when model-pool broke off a call mid-answer (it died): the run is resumed rather than failed */
      onHopBroken?: () => void;
    },
  ) {}

  async chat(req: LlmChatRequest): Promise<LlmChatResult> {
    const parsed = chatCompletionRequestSchema.safeParse({
      model: req.model,
      messages: req.messages.map(wireMessage),
      ...req.params,
      ...wireOptions(req),
      ...(req.onChunk ? { stream: true, stream_options: { include_usage: true } } : { stream: false }),
    });
    if (!parsed.success)
      throw new Error(`invalid LLM request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const base = {
      tenantId: this.caller.tenantId,
      apiKeyId: this.caller.apiKeyId,
      runId: req.runId,
      callId: req.callId,
      nodeId: req.nodeId,
      traceparent: this.caller.traceparent,
    };
    // model-pool numbers the provider attempts of one call id from 1, and billing drops a (call id,
    // attempt) it has seen as a redelivery: every send gets an id of its own, so that each provider
    // attempt stays one ledger row. Even a connection that looked never made may have carried the
    // call (a process frozen past its connect timeout wakes to a timeout for a socket the kernel had opened).
    let send = -1;
    const nextCtx = () => (++send === 0 ? base : { ...base, callId: extraCallId(req.callId, send, 'resend') });
    const signal = req.signal ?? new AbortController().signal;
    const outageDeadline = Date.now() + (this.caller.outageRetryMs ?? DEFAULT_OUTAGE_RETRY_MS);
    let outageWait = RETRY_BASE_MS;
    // an outage of Shoal's own (the call never reached a provider) is waited out while the budget
    // lasts, not counted against the hop's retries: false once the budget is spent
    const waitOutOutage = async (retryAfterSeconds = 0): Promise<boolean> => {
      if (signal.aborted || Date.now() + outageWait >= outageDeadline) return false;
      await backoff(0, Math.max(outageWait / 1000, retryAfterSeconds), signal);
      outageWait = Math.min(outageWait * 2, MAX_OUTAGE_WAIT_MS);
      return true;
    };
    for (let attempt = 0; ; attempt++) {
      let answer: ChatCompletionsAnswer;
      try {
        answer = await this.pool.chatCompletions(nextCtx(), parsed.data, signal);
      } catch (err) {
        // model-pool unreachable: the call never left this process
        if (unreachable(err) && (await waitOutOutage())) {
          attempt--;
          continue;
        }
        // the call may have reached the provider: sending it again under this call id would bill it once for two calls
        if (err instanceof ModelPoolBrokeOffError) {
          this.caller.onHopBroken?.();
          throw err;
        }
        const status = (err as { status?: unknown }).status;
        if (attempt < RETRIES && typeof status === 'number' && retryable(status) && !signal.aborted) {
          await backoff(attempt, retryAfterSecondsOf(err), signal);
          continue;
        }
        throw err;
      }
      if (answer.status !== 200) {
        if (answer.kind === 'stream') await answer.body.return?.(undefined);
        // refused before any provider was contacted (model-pool could not meter it)
        if (answer.headers[INTERNAL_HEADERS.callNotMade] && (await waitOutOutage(Number(answer.headers['retry-after']) || 0))) {
          attempt--;
          continue;
        }
        if (attempt < RETRIES && retryable(answer.status) && !signal.aborted) {
          await backoff(attempt, Number(answer.headers['retry-after']) || undefined, signal);
          continue;
        }
        throw new Error(errorMessageOf(answer));
      }
      return answer.kind === 'json' ? fromCompletion(answer.body, req.model) : fromStream(answer.body, req, this.caller.onHopBroken);
    }
  }
}

/** A port message as OpenAI's API takes it. */
function wireMessage(m: LlmMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { role: m.role, content: m.content };
  if (m.toolCalls?.length)
    out.tool_calls = m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  if (m.toolCallId) out.tool_call_id = m.toolCallId;
  return out;
}

/** The request's tools and response format as OpenAI's API takes them. */
function wireOptions(req: LlmChatRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (req.tools?.length)
    out.tools = req.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
  const f = req.responseFormat;
  if (f?.type === 'json_object') out.response_format = { type: 'json_object' };
  else if (f?.type === 'json_schema') out.response_format = { type: 'json_schema', json_schema: { name: f.name, schema: f.schema } };
  return out;
}

/** The function calls of a completion's message. */
function toolCallsOf(calls: WireToolCall[] | null | undefined): LlmToolCall[] {
  const out: LlmToolCall[] = [];
  for (const [i, c] of (calls ?? []).entries())
    if (c.function?.name) out.push({ id: c.id ?? `call_${i}`, name: c.function.name, arguments: c.function.arguments ?? '' });
  return out;
}

/** The retry-after model-pool gave in process (an API error's option), in seconds. */
function retryAfterSecondsOf(err: unknown): number | undefined {
  const s = (err as { opts?: { retryAfterSeconds?: unknown } }).opts?.retryAfterSeconds;
  return typeof s === 'number' && s > 0 ? s : undefined;
}

/** Waits before the next try: exponential, or the Retry-After model-pool gave (bounded); a cancel ends the wait. */
function backoff(attempt: number, retryAfterSeconds: number | undefined, signal: AbortSignal): Promise<void> {
  const ms = Math.max(RETRY_BASE_MS * 2 ** attempt, Math.min(MAX_RETRY_AFTER_MS, (retryAfterSeconds ?? 0) * 1000));
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function errorMessageOf(answer: ChatCompletionsAnswer): string {
  if (answer.kind === 'json') {
    try {
      const body = JSON.parse(Buffer.from(answer.body).toString('utf8')) as { error?: { message?: string } };
      if (body.error?.message) return body.error.message;
    } catch {
      // not JSON: the status says it
    }
  }
  return `the model service answered ${answer.status}`;
}

function usageOf(u: Chunk['usage']): Usage {
  return { promptTokens: u?.prompt_tokens ?? 0, completionTokens: u?.completion_tokens ?? 0, totalTokens: u?.total_tokens ?? 0 };
}

function fromCompletion(bytes: Uint8Array, model: string): LlmChatResult {
  const res = JSON.parse(Buffer.from(bytes).toString('utf8')) as Completion;
  const choice = res.choices?.[0];
  const reasoning = choice?.message?.reasoning_content;
  const toolCalls = toolCallsOf(choice?.message?.tool_calls);
  return {
    text: choice?.message?.content ?? '',
    ...(reasoning ? { reasoningContent: reasoning } : {}),
    ...(toolCalls.length ? { toolCalls } : {}),
    usage: usageOf(res.usage),
    model: res.model ?? model,
    finishReason: choice?.finish_reason ?? null,
    ...costOf(res),
  };
}

async function fromStream(body: AsyncIterableIterator<Uint8Array>, req: LlmChatRequest, onHopBroken?: () => void): Promise<LlmChatResult> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let text = '';
  let reasoning = '';
  let finishReason: string | null = null;
  let usage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  let model = req.model;
  let cost: { cost?: ShoalCost } = {};
  const onEvent = (event: string) => {
    const data = event.startsWith('data:') ? event.slice(5).trim() : '';
    if (!data || data === '[DONE]') return;
    const chunk = JSON.parse(data) as Chunk;
    // model-pool reports a stream broken after its first byte as an error event
    // what the broken call still cost (it is billed) travels with the error to the node's checkpoint
    if (chunk.error) throw Object.assign(new Error(chunk.error.message ?? 'the model stream was interrupted'), costOf(chunk.error));
    model = chunk.model ?? model;
    const choice = chunk.choices?.[0];
    const delta = choice?.delta?.content;
    const r = choice?.delta?.reasoning_content;
    if (r) {
      reasoning += r;
      req.onReasoningChunk?.(r);
    }
    if (delta) {
      text += delta;
      req.onChunk?.(delta);
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (SHOAL_COST_FIELD in chunk) cost = costOf(chunk);
    if (chunk.usage) usage = usageOf(chunk.usage);
  };
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await body.next();
      } catch (err) {
        // the connection to model-pool broke mid-answer (a provider's own break is an error event, above)
        onHopBroken?.();
        throw err;
      }
      if (next.done) break;
      const bytes = next.value;
      carry += decoder.write(Buffer.from(bytes));
      if (carry.includes('\r')) carry = carry.replace(/\r\n?/g, '\n');
      let at: number;
      while ((at = carry.indexOf('\n\n')) >= 0) {
        onEvent(carry.slice(0, at));
        carry = carry.slice(at + 2);
      }
      if (carry.length > MAX_EVENT_BYTES) throw new Error('the model stream sent an event larger than 8 MB');
    }
    const rest = (carry + decoder.end()).trim();
    if (rest) onEvent(rest);
  } finally {
    await body.return?.(undefined);
  }
  return { text, ...(reasoning ? { reasoningContent: reasoning } : {}), usage, model, finishReason, ...cost };
}

/** The cost model-pool attached, if it is well formed; a node without it is recorded at no cost. */
function costOf(body: object): { cost?: ShoalCost } {
  const c = (body as { [SHOAL_COST_FIELD]?: unknown })[SHOAL_COST_FIELD] as Partial<ShoalCost> | undefined;
  if (
    !c ||
    typeof c.amount !== 'string' ||
    !/^\d+(\.\d+)?$/.test(c.amount) ||
    typeof c.currency !== 'string' ||
    !/^[A-Z]{3}$/.test(c.currency)
  )
    return {};
  return { cost: { amount: c.amount, currency: c.currency } };
}
