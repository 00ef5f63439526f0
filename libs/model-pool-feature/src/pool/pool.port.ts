// The port model-pool serves in process (standalone's gateway and engine): chat and model listing
// from the chat service, embeddings from their own.
import type { ChatCompletionsPort } from '@shoal/contracts';
import type { ChatCompletionsService } from './chat-completions.service';
import type { EmbeddingsService } from './embeddings.service';

export function poolPort(chat: ChatCompletionsService, embeddings: EmbeddingsService): ChatCompletionsPort {
  return {
    chatCompletions: (ctx, body, signal) => chat.chatCompletions(ctx, body, signal),
    models: (ctx) => chat.models(ctx),
    embeddings: (ctx, body, signal) => embeddings.embeddings(ctx, body, signal),
  };
}
