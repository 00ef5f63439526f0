export {
  parseConfig,
  ConfigError,
  env,
  serviceEnv,
  databaseEnv,
  httpEnv,
  checkHttpEnv,
  sseEnv,
  runEventsEnv,
  authEnv,
  rateLimitDefaultsOf,
  graphqlEnv,
  graphqlOptionsOf,
  type TrustProxy,
  sseLimitsOf,
  workflowLimitsEnv,
  workflowLimitsOf,
  secretsEnv,
  secretBoxOf,
  parseSecretKeys,
  type WorkflowLimits,
} from './config/parse-config';
export { codeSandboxEnv, codeSettingsOf, type CodeSettings } from './config/code-sandbox.env';
export { documentExtractorEnv, documentSettingsOf, type DocumentSettings } from './config/document-extractor.env';
export { LruCache, type LruCacheOptions } from './cache/lru-cache';
export { createLogger, configureRootLogger, rootLogger, PinoNestLogger } from './logging/logger';
export { ApiError, toApiError, OUTAGE_RETRY_AFTER_SECONDS, type ApiErrorCode, type FieldIssue } from './errors/api-error';
export { isInfrastructureError } from './errors/infrastructure-error';
export { ProblemJsonFilter, OpenAiErrorFilter } from './errors/error-filters';
export { HttpErrorFilter, errorStyleFor, type ErrorStyle } from './errors/error-style';
export { createPrismaClient, PrismaClient, Prisma, type DatabaseOptions, type DbRunStatus, type DbNodeStatus } from './database/prisma';
export { applyMigrations, findMigrationsDir } from './database/migrator';
export { directSql, type DirectSql } from './database/direct-sql';
export { createRedis, type Redis } from './redis/redis';
export { TickBatch, TickBatchGroups } from './redis/tick-batch';
export {
  JOB_QUEUE,
  type JobQueue,
  type JobPresence,
  type JobHandler,
  type JobContext,
  type EnqueueOptions,
  type ProcessOptions,
} from './queue/job-queue';
export { BullMqJobQueue } from './queue/bullmq.job-queue';
export { InMemoryJobQueue } from './queue/memory.job-queue';
export { USAGE_LOG, type UsageLog, type UsageLogEntry, type OpenIntent } from './usage/usage-log';
export { RedisUsageLog, DEFAULT_USAGE_LOG_MAX_ENTRIES, type RedisUsageLogOptions } from './usage/redis.usage-log';
export { InMemoryUsageLog, DEFAULT_IN_MEMORY_USAGE_LOG_LIMITS, type InMemoryUsageLogLimits } from './usage/memory.usage-log';
export { PRICE_FEED, MAX_PRICE_ROWS, type PriceFeed } from './usage/price-feed';
export { RedisPriceFeed } from './usage/redis.price-feed';
export { InMemoryPriceFeed } from './usage/memory.price-feed';
export { RUN_EVENT_STORE, RunEventsFencedError, type RunEventStore, type Unsubscribe } from './events/run-event-store';
export { RedisRunEventStore } from './events/redis.run-event-store';
export { RUN_CANCEL_BUS, InMemoryRunCancelBus, RedisRunCancelBus, type RunCancelBus } from './runs/run-cancel-bus';
export { InMemoryRunEventStore, DEFAULT_IN_MEMORY_RUN_EVENT_LIMITS, type InMemoryRunEventLimits } from './events/memory.run-event-store';
export {
  boundRunEvent,
  truncatedSuffix,
  DEFAULT_RUN_EVENT_LIMITS,
  type RunEventLimits,
  type TruncatedValue,
} from './events/run-event-limits';
export { PostgresRunEventStore, type PostgresRunEventStoreOptions } from './events/postgres.run-event-store';
export { RunEventsRepository } from './events/run-events.repository';
export { generateApiKey, hashApiKey, bearerToken, constantTimeEqual, displayPrefix } from './auth/api-key';
export { ApiKeysRepository, BOOTSTRAP_SCOPES, type ApiKeyRecord, type ApiKeyView, type NewApiKey } from './auth/api-keys.repository';
export { RATE_LIMITER, rateLimitHeaders, type RateLimiter, type RateLimits, type RateLimitDecision } from './rate-limit/rate-limit';
export { RateLimitGate, NO_RATE_LIMITS, type RateLimitDefaults } from './rate-limit/rate-limit.gate';
export { RedisRateLimiter } from './rate-limit/redis.rate-limiter';
export { InMemoryRateLimiter } from './rate-limit/memory.rate-limiter';
export { buildOpenApi, type OpenApiInfo } from './openapi/openapi.builder';
export { ApiDoc, type ApiDocOptions, type ApiResponseDoc } from './openapi/api-doc';
export { controllerRoutes, controllersOf, type ControllerRoute } from './http/controller-routes';
export { SCOPES, WORKFLOW_BOUND_SCOPES, RequireScope, holdsScope, isScope, type Scope } from './auth/scopes';
export { ApiKeyGuard } from './auth/api-key.guard';
export { ApiKeyAuthenticator, DEFAULT_AUTH_LIMITS } from './auth/api-key.authenticator';
export { ApiKeyChanges } from './auth/api-key-changes';
export {
  KEY_INVALIDATION_BUS,
  RedisKeyInvalidationBus,
  InProcessKeyInvalidationBus,
  type KeyInvalidationBus,
} from './auth/key-invalidation.bus';
export { AuthFailureLimiter, type AuthFailureLimits } from './auth/auth-failure.limiter';
export { EdgeAuth, routeRequirements } from './auth/edge-auth';
export { InternalTokenGuard, InternalCtx, INTERNAL_TOKEN } from './auth/internal-token.guard';
export {
  internalHeaders,
  signInternalContext,
  verifyInternalContext,
  InternalContextError,
  INTERNAL_CONTEXT_TTL_MS,
  type InternalCallContext,
  type VerifiedInternalContext,
} from './auth/internal-context';
export { Ctx, type RequestContext } from './auth/request-context';
export { HealthController, READINESS_CHECKS, type ReadinessCheck } from './health/health.controller';
export { PlatformModule, REDIS, type PlatformOptions } from './platform.module';
export {
  createHttpApp,
  listen,
  exitOnBootFailure,
  httpServerOptions,
  DEFAULT_HTTP_SERVER_OPTIONS,
  MAX_URL_LENGTH,
  type HttpAppOptions,
  type HttpServerOptions,
} from './http/bootstrap';
export { parseBody, jsonPath } from './http/parse-body';
export { runService, platformOptionsOf, type ServiceConfig } from './http/run-service';
export { clientGone } from './http/client-gone';
export { parseJsonBody } from './http/json-body.parser';
export { MAX_JSON_DEPTH } from './http/json-safety.scan';
export { AcceptsBody, mediaTypeOf } from './http/body-content-type.hook';
export { RouteTable, type RouteEntry } from './http/route-table';
export { SseStream, DEFAULT_SSE_LIMITS, type SseLimits } from './http/sse-stream';
export { SecretBox, SecretBoxError, parseSecretsKey, secretKeyId } from './secrets/secret-box';
export {
  sealWorkflowSecrets,
  blankWorkflowSecrets,
  openWorkflowSecrets,
  secretValuePaths,
  nonStringSecretPaths,
  resealWorkflowSecrets,
} from './secrets/workflow-secrets';
export { sendChatAnswer } from './http/chat-answer.reply';
export { StreamSlots, STREAM_LIMITS, DEFAULT_STREAM_LIMITS, type StreamLimits } from './http/stream-slots';
export { HttpChatCompletionsClient, ModelPoolBrokeOffError, type ModelPoolHttpOptions } from './chat/http-chat-completions.client';
export {
  credentialOwner,
  type PoolScope,
  type CredentialView,
  type NewCredential,
  type PoolDeploymentRecord,
  type PoolDeploymentInput,
  type PoolAliasRecord,
  type PoolAliasInput,
  type PoolConfigRows,
  type PriceOverrideRecord,
} from './pool-config/pool-config.records';
export {
  PoolCredentialsRepository,
  MAX_CREDENTIALS_PER_SCOPE,
  type DeleteCredentialResult,
} from './pool-config/pool-credentials.repository';
export {
  PoolDeploymentsRepository,
  MAX_DEPLOYMENTS_PER_SCOPE,
  type DeploymentWriteResult,
} from './pool-config/pool-deployments.repository';
export { PoolAliasesRepository, MAX_ALIASES_PER_SCOPE, type AliasWriteResult } from './pool-config/pool-aliases.repository';
export { PoolConfigReaderRepository, MAX_POOL_ROWS } from './pool-config/pool-config.reader.repository';
export { POOL_CONFIG_BUS, RedisPoolConfigBus, InProcessPoolConfigBus, type PoolConfigBus } from './pool-config/pool-config.bus';
export { HttpPoolStateClient } from './chat/http-pool-state.client';
export { FILE_STORE, InvalidFileStoreIdError, assertStoreIds, isSafeStoreId, type FileStore, type FileRecords } from './files/file-store';
export { PostgresFileStore, CHUNK_BYTES, rechunk } from './files/file-chunks.repository';
export { idTime } from './files/orphans';
export { FileRecordsRepository } from './files/file-records.repository';
export { FsFileStore, type FsFileStoreOptions } from './files/fs.file-store';
export { S3FileStore, FileStoreError, type S3FileStoreOptions } from './files/s3.file-store';
export { LayeredFileStore } from './files/layered.file-store';
export { createFileStore, fileStoreProvider, POSTGRES_FILE_STORE, type FileStoreSettings } from './files/file-store.settings';
export { fileStoreEnv, fileStoreKindEnv, checkFileStoreEnv, fileStoreSettingsOf, type FileStoreKind } from './config/file-store.env';
export { McpServersRepository, type McpServerRecord, type NewMcpServer, type McpServerCreateRefusal } from './tools/mcp-servers.repository';
export { sealMcpHeaders, openMcpHeaders, mcpHeadersOwner } from './tools/mcp-headers';
