export { newId, ulid, hasPrefix, looksLikeId, type IdPrefix } from './ids';
export * from './run-events';
export { QUEUES, QUEUE_DEFAULTS, runJobSchema, usageEventSchema, type QueueName, type RunJob, type UsageEvent } from './queues';
export { INTERNAL_HEADERS, ROUTE_PREFIX, type RunCostResponse } from './internal-api';
export { chatCompletionRequestSchema, type ChatCompletionRequest } from './chat-request';
export {
  CHAT_COMPLETIONS_PORT,
  type ChatCallContext,
  type ChatCompletionsAnswer,
  type ChatCompletionsPort,
  type ModelListEntry,
} from './chat-completions.port';
