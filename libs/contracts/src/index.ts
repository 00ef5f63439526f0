export { newId, ulid, hasPrefix, looksLikeId, type IdPrefix } from './ids';
export * from './run-events';
export { QUEUES, QUEUE_DEFAULTS, runJobSchema, usageEventSchema, type QueueName, type RunJob, type UsageEvent } from './queues';
export { INTERNAL_HEADERS, ROUTE_PREFIX, type RunCostResponse } from './internal-api';
export { chatCompletionRequestSchema, type ChatCompletionRequest } from './chat-request';
export { workflowFinishedOf, RUN_STOPPED_MESSAGE, type FinishedRunFacts } from './workflow-finished';
