import { Inject, Injectable, type DynamicModule, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CHAT_COMPLETIONS_PORT } from '@shoal/contracts';
import { InMemoryHealthStore, ModelRouter, type DeploymentConfig } from '@shoal/model-routing';
import { DEFAULT_STREAM_LIMITS, STREAM_LIMITS, StreamSlots, type SseLimits, type StreamLimits } from '@shoal/platform';
import { ChatCompletionsController } from './pool/chat-completions.controller';
import { PublicChatCompletionsController } from './pool/public-chat-completions.controller';
import { ChatCompletionsService, POOL_OPTIONS, POOL_SSE_LIMITS } from './pool/chat-completions.service';
import { EmbeddingsService } from './pool/embeddings.service';
import { poolPort } from './pool/pool.port';
import { DEFAULT_USAGE_HEARTBEAT_MS, USAGE_HEARTBEAT_MS, UsageEmitter } from './pool/usage.emitter';
import { PriceCatalogCache } from './pool/price-catalog.cache';
import { ProviderHttpClient, type ProviderFetch } from './pool/provider-http.client';

export interface ModelPoolOptions {
  deployments: DeploymentConfig;
  maxAttempts: number;
  /** default TTFT and stall limits of streamed calls (an alias's own win); see PoolOptions */
  ttftTimeoutMs?: number;
  stallTimeoutMs?: number;
  /** deployments (by id) served in this process without a socket (standalone's built-in mock provider) */
  providerFetch?: ReadonlyMap<string, ProviderFetch>;
  /** how far a streaming client may fall behind before it is cut */
  sse: SseLimits;
  /** how often a call in progress refreshes its usage intent (default 30 s) */
  usageHeartbeatMs?: number;
  /**
   * Serve the public `/v1/chat/completions`, `/v1/embeddings` and `/v1/models` with API-key auth (distributed: the
   * edge routes them here; needs the database). Off in standalone, where the gateway's routes call
   * this module in process through CHAT_COMPLETIONS_PORT.
   */
  publicApi: boolean;
  /** open streamed chat completions per API key on the public routes (SSE_MAX_STREAMS_PER_KEY); the platform's defaults when omitted */
  streams?: StreamLimits;
}

@Injectable()
class ProviderConnections implements OnApplicationShutdown {
  constructor(@Inject(ProviderHttpClient) private readonly client: ProviderHttpClient) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

/**
 * model-pool's controllers and services; infrastructure comes from PlatformModule. Global: it hands
 * CHAT_COMPLETIONS_PORT to the modules composed with it (standalone's gateway and engine).
 */
@Module({})
export class ModelPoolModule {
  static register(opts: ModelPoolOptions): DynamicModule {
    return {
      module: ModelPoolModule,
      global: true,
      controllers: [ChatCompletionsController, ...(opts.publicApi ? [PublicChatCompletionsController] : [])],
      providers: [
        {
          provide: POOL_OPTIONS,
          useValue: { maxAttempts: opts.maxAttempts, ttftTimeoutMs: opts.ttftTimeoutMs, stallTimeoutMs: opts.stallTimeoutMs },
        },
        { provide: POOL_SSE_LIMITS, useValue: opts.sse },
        { provide: STREAM_LIMITS, useValue: opts.streams ?? DEFAULT_STREAM_LIMITS },
        StreamSlots,
        // health is per process for now; the Redis-shared store is the next model-pool issue
        {
          provide: ModelRouter,
          useFactory: (prices: PriceCatalogCache) =>
            new ModelRouter({
              deployments: opts.deployments.deployments,
              models: opts.deployments.models,
              health: new InMemoryHealthStore(),
              // the cost strategy compares deployments by the catalog's price (a priceOverride wins)
              price: (d) => prices.comparablePrice(d.model, d.upstreamModel),
            }),
          inject: [PriceCatalogCache],
        },
        { provide: ProviderHttpClient, useFactory: () => new ProviderHttpClient(opts.providerFetch) },
        ProviderConnections,
        { provide: USAGE_HEARTBEAT_MS, useValue: opts.usageHeartbeatMs ?? DEFAULT_USAGE_HEARTBEAT_MS },
        PriceCatalogCache,
        UsageEmitter,
        ChatCompletionsService,
        EmbeddingsService,
        { provide: CHAT_COMPLETIONS_PORT, useFactory: poolPort, inject: [ChatCompletionsService, EmbeddingsService] },
      ],
      exports: [CHAT_COMPLETIONS_PORT],
    };
  }
}
