import { type DynamicModule, Module } from '@nestjs/common';
import { BILLING_OPTIONS, BillingClient } from './billing/billing.client';
import { ENGINE_OPTIONS, ExecuteRunUseCase, type EngineOptions } from './runs/execute-run.use-case';
import { RunProcessor } from './runs/run.processor';
import { RunStateRepository } from './runs/run-state.repository';
import { ConversationTurnsRepository } from './conversations/conversation-turns.repository';

/** workflow-engine's processors and services; infrastructure comes from PlatformModule. */
@Module({})
export class EngineModule {
  static register(opts: EngineOptions & { billingUrl: string }): DynamicModule {
    return {
      module: EngineModule,
      providers: [
        { provide: ENGINE_OPTIONS, useValue: opts },
        { provide: BILLING_OPTIONS, useValue: { baseUrl: opts.billingUrl, internalToken: opts.internalToken } },
        BillingClient,
        RunStateRepository,
        ConversationTurnsRepository,
        ExecuteRunUseCase,
        RunProcessor,
      ],
    };
  }
}
