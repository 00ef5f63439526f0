import { WORKFLOW_LIMITS, DEFAULT_WORKFLOW_LIMITS, SECRET_BOX } from './workflows/workflow-limits';
import type { SecretBox, WorkflowLimits } from '@shoal/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { ChatCompletionsController } from './openai/chat-completions.controller';
import { ModelPoolClient } from './openai/model-pool.client';
import { CHAT_COMPLETIONS_PORT, POOL_STATE_PORT } from '@shoal/contracts';
import { HttpChatCompletionsClient, HttpPoolStateClient, type ModelPoolHttpOptions } from '@shoal/platform';
import { WorkflowsController } from './workflows/workflows.controller';
import { WorkflowsRepository } from './workflows/workflows.repository';
import { WorkflowsService } from './workflows/workflows.service';
import { WorkflowDslService } from './workflows/workflow-dsl.service';
import { type SseLimits } from '@shoal/platform';
import { BLOCKING_TIMEOUT_MS, RunsController, SSE_LIMITS } from './runs/runs.controller';
import { STREAM_LIMITS, StreamSlots, type StreamLimits } from '@shoal/platform';
import { RunsRepository } from './runs/runs.repository';
import { RunsService } from './runs/runs.service';
import { BOOTSTRAP_KEY, BootstrapKeyService } from './keys/bootstrap-key.service';
import { GATEWAY_BILLING_OPTIONS, GatewayBillingClient, type GatewayBillingOptions } from './usage/billing.client';
import { UsageController } from './usage/usage.controller';
import { ApiKeysController } from './keys/api-keys.controller';
import { ApiKeysService } from './keys/api-keys.service';
import { TenantsController } from './tenants/tenants.controller';
import { OpenApiController } from './openapi/openapi.controller';
import { DifyWorkflowAppController } from './dify/dify-workflow-app.controller';
import { DifyChatAppController } from './dify/dify-chat-app.controller';
import { DEFAULT_GRAPHQL_OPTIONS, GRAPHQL_OPTIONS, GraphqlServer, type GraphqlOptions } from './graphql/graphql.server';
import { ConversationsController } from './conversations/conversations.controller';
import { ConversationsRepository } from './conversations/conversations.repository';
import { ConversationsService } from './conversations/conversations.service';
import { FilesController } from './files/files.controller';
import { FilesRepository } from './files/files.repository';
import { FilesService } from './files/files.service';
import { fileStoreProvider, type FileStoreSettings } from '@shoal/platform';
import { DEFAULT_FILE_LIMITS, FILE_LIMITS, type FileLimits } from './files/file-limits';
import { DifyFilesController } from './dify/dify-files.controller';
import { CredentialsController } from './pool-admin/credentials.controller';
import { DeploymentsController } from './pool-admin/deployments.controller';
import { AliasesController } from './pool-admin/aliases.controller';
import { CredentialsService } from './pool-admin/credentials.service';
import { DeploymentsService } from './pool-admin/deployments.service';
import { AliasesService } from './pool-admin/aliases.service';
import { SecretRotationService } from './pool-admin/secret-rotation.service';
import { WorkflowSecretsRepository } from './workflows/workflow-secrets.repository';
import {
  EMPTY_ALLOW_LIST,
  McpClient,
  OutboundAddressPolicy,
  type HostResolver,
  type McpClientLimits,
  type OutboundAllowList,
} from '@shoal/outbound-http';
import { McpServersRepository, PrismaClient } from '@shoal/platform';
import { ToolsController } from './tools/tools.controller';
import { DEFAULT_MAX_MCP_SERVERS, TOOLS_OPTIONS, ToolsService, type ToolsOptions } from './tools/tools.service';
import { MCP_CATALOG, McpCatalog } from './tools/mcp-catalog';

/** Tool nodes' MCP servers: the outbound address policy their URLs obey, and bounds. */
export interface GatewayToolsOptions {
  /** SHOAL_HTTP_ALLOW; public addresses only when omitted */
  allow?: OutboundAllowList;
  /** replaces DNS (tests) */
  resolve?: HostResolver;
  /** MCP_* bounds (DEFAULT_MCP_CLIENT_LIMITS when omitted) */
  limits?: Partial<McpClientLimits>;
  maxServersPerTenant?: number;
}

export interface GatewayOptions {
  /**
   * Where chat calls go: model-pool over HTTP (distributed), or 'in-process' when a ModelPoolModule
   * in the same application provides CHAT_COMPLETIONS_PORT (standalone: no HTTP to its own port).
   */
  modelPool: ModelPoolHttpOptions | 'in-process';
  billing: GatewayBillingOptions;
  bootstrapKey: string | undefined;
  blockingTimeoutMs: number;
  /** how far an SSE reader may fall behind before it is cut */
  sse: SseLimits;
  /** open event streams per API key and per run */
  streams: StreamLimits;
  /** graph and run input bounds; the DSL's defaults when omitted */
  workflowLimits?: WorkflowLimits;
  /** seals provider credentials and secret environment variables (SHOAL_SECRET_KEY); without it both are refused */
  secrets?: SecretBox | null;
  /** GraphQL query bounds and GraphiQL; defaults when omitted */
  graphql?: Partial<GraphqlOptions>;
  /** upload sizes and kinds (Dify's defaults when omitted) */
  files?: FileLimits;
  /** where file bytes are kept (SHOAL_FILE_STORE); Postgres when omitted. The engine must name the same store */
  fileStore?: FileStoreSettings;
  /** MCP servers for tool nodes: address policy and bounds */
  tools?: GatewayToolsOptions;
}

/** The gateway's controllers and services; infrastructure comes from PlatformModule. */
@Module({})
export class GatewayModule {
  static register(opts: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [
        ChatCompletionsController,
        WorkflowsController,
        RunsController,
        UsageController,
        ApiKeysController,
        TenantsController,
        OpenApiController,
        DifyWorkflowAppController,
        DifyChatAppController,
        ConversationsController,
        FilesController,
        DifyFilesController,
        CredentialsController,
        DeploymentsController,
        AliasesController,
        ToolsController,
      ],
      providers: [
        ...(opts.modelPool === 'in-process' ? [] : httpModelPoolPorts(opts.modelPool)),
        { provide: WORKFLOW_LIMITS, useValue: opts.workflowLimits ?? DEFAULT_WORKFLOW_LIMITS },
        { provide: GATEWAY_BILLING_OPTIONS, useValue: opts.billing },
        { provide: SECRET_BOX, useValue: opts.secrets ?? null },
        GatewayBillingClient,
        { provide: BOOTSTRAP_KEY, useValue: opts.bootstrapKey },
        { provide: BLOCKING_TIMEOUT_MS, useValue: opts.blockingTimeoutMs },
        { provide: SSE_LIMITS, useValue: opts.sse },
        { provide: STREAM_LIMITS, useValue: opts.streams },
        StreamSlots,
        ModelPoolClient,
        WorkflowsRepository,
        WorkflowsService,
        WorkflowDslService,
        RunsRepository,
        RunsService,
        ConversationsRepository,
        ConversationsService,
        { provide: FILE_LIMITS, useValue: opts.files ?? DEFAULT_FILE_LIMITS },
        fileStoreProvider(opts.fileStore),
        FilesRepository,
        FilesService,
        BootstrapKeyService,
        ApiKeysService,
        { provide: GRAPHQL_OPTIONS, useValue: { ...DEFAULT_GRAPHQL_OPTIONS, ...opts.graphql } },
        GraphqlServer,
        CredentialsService,
        DeploymentsService,
        AliasesService,
        SecretRotationService,
        WorkflowSecretsRepository,
        { provide: McpServersRepository, inject: [PrismaClient], useFactory: (prisma: PrismaClient) => new McpServersRepository(prisma) },
        {
          provide: TOOLS_OPTIONS,
          useValue: {
            maxServersPerTenant: opts.tools?.maxServersPerTenant ?? DEFAULT_MAX_MCP_SERVERS,
            policy: new OutboundAddressPolicy(opts.tools?.allow ?? EMPTY_ALLOW_LIST),
            resolve: opts.tools?.resolve,
          } satisfies ToolsOptions,
        },
        {
          provide: MCP_CATALOG,
          inject: [TOOLS_OPTIONS],
          useFactory: (t: ToolsOptions) =>
            new McpCatalog(
              new McpClient({ policy: t.policy, resolve: opts.tools?.resolve, limits: opts.tools?.limits }),
              opts.secrets ?? null,
            ),
        },
        ToolsService,
      ],
      exports: [BootstrapKeyService],
    };
  }
}

// distributed: model-pool's internal routes; in process, ModelPoolModule provides both ports
function httpModelPoolPorts(opts: ModelPoolHttpOptions) {
  return [
    { provide: CHAT_COMPLETIONS_PORT, useFactory: () => new HttpChatCompletionsClient(opts) },
    { provide: POOL_STATE_PORT, useFactory: () => new HttpPoolStateClient(opts) },
  ];
}
