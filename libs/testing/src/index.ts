// @shoal/testing — helpers for integration and end-to-end tests: databases, Redis prefixes, service
// processes; and the mock provider, re-exported from @shoal/mock-provider for tests' convenience.
export {
  startMockProvider,
  createInProcessMockProvider,
  IN_PROCESS_MOCK_URL,
  MOCK_OWNER,
  SYSTEM_FINGERPRINT,
  FAULT_HEADER,
  mockAnswer,
  mockTokenCount,
  mockUsageFor,
  mockMessageText,
  mockLastUserMessage,
  mockWordPieces,
  MOCK_ANSWER_PREFIX,
  MOCK_REASONING_PREFIX,
  mockEmbedding,
  MOCK_EMBEDDING_DIMENSIONS,
  mockScript,
  mockScriptedTurn,
  type MockTurn,
  type MockToolCall,
  type MockProvider,
  type InProcessMockProvider,
  type MockProviderOptions,
  type MockCall,
  type FaultSpec,
  type MockUsage,
  type MockChatMessage,
  type MockContentPart,
  type OpenAiErrorBody,
} from '@shoal/mock-provider';
export { createTestDatabase, dropRedisPrefixes, testRedisPrefix, testRedisUrl, withDatabase, type TestDatabase } from './test-database';
export { startService, freePort, waitForHttp, repoRoot, type ServiceProcess } from './service-process';
export { startMcpTestServer, MCP_TEST_PNG, MCP_TEST_PDF, type McpTestServer } from './mcp-test-server';
export { startS3TestServer, type S3TestServer } from './s3-test-server';
export { watchStatementPlans, type StatementPlans, type TableScan } from './statement-plans';
