// @shoal/gateway-feature — the gateway's Nest module: API keys, REST, the OpenAI-compatible API, run events.
export { GatewayModule, type GatewayOptions } from './gateway.module';
export * as responseSchemas from './openapi/response-schemas';
export { filesEnv, fileLimitsOf, DEFAULT_FILE_LIMITS, type FileLimits } from './files/file-limits';
export { SecretRotationService, type ResealTarget, type ResealOutcome } from './pool-admin/secret-rotation.service';
export { WorkflowSecretsRepository } from './workflows/workflow-secrets.repository';
