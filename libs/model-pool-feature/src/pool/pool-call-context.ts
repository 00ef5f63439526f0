import { INTERNAL_HEADERS, newId } from '@shoal/contracts';
import { ApiError } from '@shoal/platform';

/** Who an LLM call is for, as gateway and workflow-engine tell model-pool in headers. */
export interface PoolCallContext {
  callId: string;
  tenantId: string;
  apiKeyId: string | null;
  runId: string | null;
  nodeId: string | null;
  traceparent?: string;
}

export function poolCallContext(headers: Record<string, string | string[] | undefined>): PoolCallContext {
  const one = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' && v.length > 0 ? v : null;
  };
  const tenantId = one(INTERNAL_HEADERS.tenantId);
  if (!tenantId) throw new ApiError('invalid_request', `The ${INTERNAL_HEADERS.tenantId} header is required`, { param: INTERNAL_HEADERS.tenantId });
  return {
    callId: one(INTERNAL_HEADERS.callId) ?? newId('chatcmpl'),
    tenantId,
    apiKeyId: one(INTERNAL_HEADERS.apiKeyId),
    runId: one(INTERNAL_HEADERS.runId),
    nodeId: one(INTERNAL_HEADERS.nodeId),
    traceparent: one(INTERNAL_HEADERS.traceparent) ?? undefined,
  };
}
