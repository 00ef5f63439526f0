export { newId, ulid, hasPrefix, looksLikeId, type IdPrefix } from './ids';
export * from './run-events';
export { QUEUES, QUEUE_DEFAULTS, QUEUE_PAYLOADS, runJobSchema, type QueueName, type QueuePayload, type RunJob } from './queues';
export {
  usageEventSchema,
  plainUsageEvent,
  usageIntentSchema,
  usageCostSchema,
  priceOverrideSchema,
  usageKey,
  SHOAL_COST_FIELD,
  type UsageEvent,
  type UsageIntent,
  type UsageCost,
  type ShoalCost,
} from './usage';
export { INTERNAL_HEADERS, ROUTE_PREFIX } from './internal-api';
export { chatCompletionRequestSchema, plainChatCompletionRequest, type ChatCompletionRequest } from './chat-request';
export {
  embeddingsRequestSchema,
  MAX_EMBEDDING_INPUTS,
  MAX_EMBEDDING_INPUT_LENGTH,
  MAX_EMBEDDING_TOTAL_LENGTH,
  type EmbeddingsRequest,
} from './embeddings-request';
export { textReplaceOf, messageReplaceOf, applyStreamedText, RESUMED_REPLACE_REASON } from './streamed-text';
export { RUN_END_RECORD_VERSION, encodeRunEndRecord, decodeRunEndRecord, type RunEndColumns } from './run-end-record';
export { workflowFinishedOf, RUN_STOPPED_MESSAGE, type FinishedRunFacts } from './workflow-finished';
export {
  CHAT_COMPLETIONS_PORT,
  type ChatCallContext,
  type ChatCompletionsAnswer,
  type ChatCompletionsPort,
  type ModelListEntry,
} from './chat-completions.port';
export { POOL_STATE_PORT, MAX_STATE_IDS, type DeploymentLiveState, type PoolStatePort } from './pool-state.port';
