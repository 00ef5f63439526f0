import { type DynamicModule, Module } from '@nestjs/common';
import { ChatCompletionsController } from './openai/chat-completions.controller';
import { MODEL_POOL_OPTIONS, ModelPoolClient, type ModelPoolClientOptions } from './openai/model-pool.client';
import { WorkflowsController } from './workflows/workflows.controller';
import { WorkflowsRepository } from './workflows/workflows.repository';
import { WorkflowsService } from './workflows/workflows.service';
import { BLOCKING_TIMEOUT_MS, RunsController } from './runs/runs.controller';
import { RunsRepository } from './runs/runs.repository';
import { RunsService } from './runs/runs.service';
import { BOOTSTRAP_KEY, BootstrapKeyService } from './keys/bootstrap-key.service';
import { GATEWAY_BILLING_OPTIONS, GatewayBillingClient, type GatewayBillingOptions } from './usage/billing.client';
import { UsageController } from './usage/usage.controller';

export interface GatewayOptions {
  modelPool: ModelPoolClientOptions;
  billing: GatewayBillingOptions;
  bootstrapKey: string | undefined;
  blockingTimeoutMs: number;
}

/** The gateway's controllers and services; infrastructure comes from PlatformModule. */
@Module({})
export class GatewayModule {
  static register(opts: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [ChatCompletionsController, WorkflowsController, RunsController, UsageController],
      providers: [
        { provide: MODEL_POOL_OPTIONS, useValue: opts.modelPool },
        { provide: GATEWAY_BILLING_OPTIONS, useValue: opts.billing },
        GatewayBillingClient,
        { provide: BOOTSTRAP_KEY, useValue: opts.bootstrapKey },
        { provide: BLOCKING_TIMEOUT_MS, useValue: opts.blockingTimeoutMs },
        ModelPoolClient,
        WorkflowsRepository,
        WorkflowsService,
        RunsRepository,
        RunsService,
        BootstrapKeyService,
      ],
      exports: [BootstrapKeyService],
    };
  }
}
