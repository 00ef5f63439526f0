import { Inject, Injectable } from '@nestjs/common';
import { CHAT_COMPLETIONS_PORT, newId, type ChatCallContext, type ChatCompletionsPort } from '@shoal/contracts';
import { createLogger, type RequestContext } from '@shoal/platform';

/** The chat call context of a gateway request: the caller's tenant and key, and a fresh call id. */
export function chatCallOf(ctx: RequestContext): ChatCallContext {
  return {
    tenantId: ctx.tenantId,
    apiKeyId: ctx.apiKeyId,
    runId: null,
    callId: newId('chatcmpl'),
    nodeId: null,
    traceparent: ctx.traceparent,
  };
}

/** What the gateway asks model-pool besides chat calls: the aliases it serves. */
@Injectable()
export class ModelPoolClient {
  private readonly log = createLogger('ModelPoolClient');
  constructor(@Inject(CHAT_COMPLETIONS_PORT) private readonly pool: ChatCompletionsPort) {}

  /**
   * The aliases model-pool serves, or null when it cannot say within `timeoutMs` (callers that only
   * want them for warnings go on without them).
   */
  async modelNames(ctx: RequestContext, timeoutMs: number): Promise<string[] | null> {
    try {
      const models = await this.pool.models(chatCallOf(ctx), AbortSignal.timeout(timeoutMs));
      return models.map((m) => m.id);
    } catch (err) {
      this.log.warn({ err }, 'could not list the models model-pool serves');
      return null;
    }
  }
}
