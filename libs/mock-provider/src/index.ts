// @shoal/mock-provider — an OpenAI-compatible mock provider (JSON and SSE) with fault injection: the
// demo model `mock-chat` in standalone mode, and the upstream in tests and benchmarks.
export {
  startMockProvider,
  MOCK_OWNER,
  type MockProvider,
  type MockProviderOptions,
  type MockCall,
  type MockAnswerScript,
} from './mock-provider.server';
export { createInProcessMockProvider, IN_PROCESS_MOCK_URL, type InProcessMockProvider } from './mock-provider.in-process';
export { SYSTEM_FINGERPRINT } from './chat-completion.responder';
export { FAULT_HEADER, type FaultSpec } from './fault-spec';
export {
  mockAnswer,
  mockTokenCount,
  mockUsageFor,
  mockMessageText,
  mockLastUserMessage,
  mockWordPieces,
  MOCK_ANSWER_PREFIX,
  type MockUsage,
  type MockChatMessage,
  type MockContentPart,
} from './mock-answer';
export { type OpenAiErrorBody } from './openai-error';
export { MOCK_REASONING_PREFIX } from './deepseek.behaviour';
export { mockEmbedding, MOCK_EMBEDDING_DIMENSIONS } from './embeddings.responder';
export { mockScript, mockScriptedTurn, type MockTurn, type MockToolCall } from './mock-script';
