import { WORKFLOW_LIMITS, DEFAULT_WORKFLOW_LIMITS } from './workflows/workflow-limits';
import type { WorkflowLimits } from '@shoal/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { ChatCompletionsController } from './openai/chat-completions.controller';
import { MODEL_POOL_OPTIONS, ModelPoolClient, type ModelPoolClientOptions } from './openai/model-pool.client';
import { WorkflowsController } from './workflows/workflows.controller';
import { WorkflowsRepository } from './workflows/workflows.repository';
import { WorkflowsService } from './workflows/workflows.service';
import { WorkflowDslService } from './workflows/workflow-dsl.service';
import { type SseLimits } from '@shoal/platform';
import { BLOCKING_TIMEOUT_MS, RunsController, SSE_LIMITS } from './runs/runs.controller';
import { STREAM_LIMITS, StreamSlots, type StreamLimits } from './streams/stream-slots';
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
import { DEFAULT_GRAPHQL_OPTIONS, GRAPHQL_OPTIONS, GraphqlServer, type GraphqlOptions } from './graphql/graphql.server';
import { ConversationsController } from './conversations/conversations.controller';
import { ConversationsRepository } from './conversations/conversations.repository';
import { ConversationsService } from './conversations/conversations.service';

export interface GatewayOptions {
  modelPool: ModelPoolClientOptions;
  billing: GatewayBillingOptions;
  bootstrapKey: string | undefined;
  blockingTimeoutMs: number;
  /** how far an SSE reader may fall behind before it is cut */
  sse: SseLimits;
  /** open event streams per API key and per run */
  streams: StreamLimits;
  /** graph and run input bounds; the DSL's defaults when omitted */
  workflowLimits?: WorkflowLimits;
  /** GraphQL query bounds and GraphiQL; defaults when omitted */
  graphql?: Partial<GraphqlOptions>;
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
        ConversationsController,
      ],
      providers: [
        { provide: MODEL_POOL_OPTIONS, useValue: opts.modelPool },
        { provide: WORKFLOW_LIMITS, useValue: opts.workflowLimits ?? DEFAULT_WORKFLOW_LIMITS },
        { provide: GATEWAY_BILLING_OPTIONS, useValue: opts.billing },
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
        BootstrapKeyService,
        ApiKeysService,
        { provide: GRAPHQL_OPTIONS, useValue: { ...DEFAULT_GRAPHQL_OPTIONS, ...opts.graphql } },
        GraphqlServer,
      ],
      exports: [BootstrapKeyService],
    };
  }
}
