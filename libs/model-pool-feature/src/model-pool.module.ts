import { type DynamicModule, Module } from '@nestjs/common';
import { InMemoryHealthStore, ModelRouter, type DeploymentConfig } from '@shoal/model-routing';
import { ChatCompletionsController } from './pool/chat-completions.controller';
import type { SseLimits } from '@shoal/platform';
import { ChatCompletionsService, POOL_OPTIONS, POOL_SSE_LIMITS } from './pool/chat-completions.service';
import { DEFAULT_USAGE_HEARTBEAT_MS, USAGE_HEARTBEAT_MS, UsageEmitter } from './pool/usage.emitter';
import { PriceCatalogCache } from './pool/price-catalog.cache';
import { ProviderClients, type ProviderFetch } from './pool/provider-clients';

export interface ModelPoolOptions {
  deployments: DeploymentConfig;
  maxAttempts: number;
  /** deployments (by id) served in this process without a socket (standalone's built-in mock provider) */
  providerFetch?: ReadonlyMap<string, ProviderFetch>;
  /** how far a streaming client may fall behind before it is cut */
  sse: SseLimits;
  /** how often a call in progress refreshes its usage intent (default 30 s) */
  usageHeartbeatMs?: number;
}

/** model-pool's controllers and services; infrastructure comes from PlatformModule. */
@Module({})
export class ModelPoolModule {
  static register(opts: ModelPoolOptions): DynamicModule {
    return {
      module: ModelPoolModule,
      controllers: [ChatCompletionsController],
      providers: [
        { provide: POOL_OPTIONS, useValue: { maxAttempts: opts.maxAttempts } },
        { provide: POOL_SSE_LIMITS, useValue: opts.sse },
        // health is per process for now; the Redis-shared store is the next model-pool issue
        {
          provide: ModelRouter,
          useFactory: () =>
            new ModelRouter({
              deployments: opts.deployments.deployments,
              models: opts.deployments.models,
              health: new InMemoryHealthStore(),
            }),
        },
        { provide: ProviderClients, useFactory: () => new ProviderClients(opts.providerFetch) },
        { provide: USAGE_HEARTBEAT_MS, useValue: opts.usageHeartbeatMs ?? DEFAULT_USAGE_HEARTBEAT_MS },
        PriceCatalogCache,
        UsageEmitter,
        ChatCompletionsService,
      ],
    };
  }
}
