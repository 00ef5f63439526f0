// The chat path as a port: gateway and workflow-engine call it, model-pool serves it. Standalone
// binds it to model-pool's service in process (no HTTP to its own port); distributed binds it to an
// HTTP client of model-pool. Either way the caller gets the provider's bytes, passed through.
import type { ChatCompletionRequest } from './chat-request';
import type { EmbeddingsRequest } from './embeddings-request';

/** Who a chat call is for, and its id (the ledger's idempotency key). */
export interface ChatCallContext {
  tenantId: string;
  apiKeyId: string | null;
  runId: string | null;
  callId: string;
  nodeId: string | null;
  traceparent?: string;
}

/**
 * An answer as OpenAI would send it: status, the headers worth passing on, and the body. A JSON
 * answer (or an error) is its bytes; a streamed one is SSE bytes, produced no faster than the
 * consumer pulls. A consumer that stops early must call `return()` on the stream's iterator (a
 * `for await` that breaks does), so the provider call is stopped and metered.
 */
export type ChatCompletionsAnswer =
  | { status: number; headers: Record<string, string>; kind: 'json'; body: Uint8Array }
  | { status: number; headers: Record<string, string>; kind: 'stream'; body: AsyncIterableIterator<Uint8Array> };

export interface ModelListEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface ChatCompletionsPort {
  /**
   * One chat completion. Failures the caller should see (unknown model, every deployment failed, a
   * request the provider refused) are thrown as the platform's API errors in process, or come back
   * as an OpenAI error answer over HTTP; either way they keep OpenAI's shape at the edge.
   */
  chatCompletions(ctx: ChatCallContext, body: ChatCompletionRequest, signal: AbortSignal): Promise<ChatCompletionsAnswer>;
  /** Embeddings, routed, metered and failed over as chat is; always a JSON answer. */
  embeddings(ctx: ChatCallContext, body: EmbeddingsRequest, signal: AbortSignal): Promise<ChatCompletionsAnswer>;
  /** The aliases the caller's tenant may call. */
  models(ctx: ChatCallContext, signal?: AbortSignal): Promise<ModelListEntry[]>;
}

/** The DI token gateway and workflow-engine inject the port by. */
export const CHAT_COMPLETIONS_PORT = Symbol.for('shoal.ChatCompletionsPort');
