import { newId, type ChatCallContext } from '@shoal/contracts';
import type { VerifiedInternalContext } from '@shoal/platform';

/** Who an LLM call is for: taken only from the signed call context gateway and workflow-engine send. */
export function poolCallContext(ctx: VerifiedInternalContext, traceparent: string | string[] | undefined): ChatCallContext {
  return {
    callId: ctx.callId ?? newId('chatcmpl'),
    tenantId: ctx.tenantId,
    apiKeyId: ctx.apiKeyId,
    runId: ctx.runId,
    nodeId: ctx.nodeId,
    traceparent: typeof traceparent === 'string' && traceparent.length > 0 ? traceparent : undefined,
  };
}
