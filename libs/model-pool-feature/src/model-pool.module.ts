import { Inject, Injectable, type DynamicModule, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CHAT_COMPLETIONS_PORT } from '@shoal/contracts';
import { InMemoryHealthStore, ModelRouter, type CooldownPolicy, type DeploymentConfig, type HealthStore } from '@shoal/model-routing';
import { DEFAULT_STREAM_LIMITS, REDIS, STREAM_LIMITS, StreamSlots, type Redis, type SseLimits, type StreamLimits } from '@shoal/platform';
import { logHealthStoreError, logHealthTransition } from './health/health-transition.logger';
import { RedisHealthStore } from './health/redis.health-store';
import { ChatCompletionsController } from './pool/chat-completions.controller';
import { PublicChatCompletionsController } from './pool/public-chat-completions.controller';
import { ChatCompletionsService, POOL_OPTIONS, POOL_SSE_LIMITS } from './pool/chat-completions.service';
import { DEFAULT_USAGE_HEARTBEAT_MS, USAGE_HEARTBEAT_MS, UsageEmitter } from './pool/usage.emitter';
import { PriceCatalogCache } from './pool/price-catalog.cache';
import { ProviderHttpClient, type ProviderFetch } from './pool/provider-http.client';

export interface ModelPoolOptions {
  deployments: DeploymentConfig;
  maxAttempts: number;
  /** deployments (by id) served in this process without a socket (standalone's built-in mock provider) */
  providerFetch?: ReadonlyMap<string, ProviderFetch>;
  /** how far a streaming client may fall behind before it is cut */
  sse: SseLimits;
  /** how often a call in progress refreshes its usage intent (default 30 s) */
  usageHeartbeatMs?: number;
  /**
   * Serve the public `/v1/chat/completions` and `/v1/models` with API-key auth (distributed: the
   * edge routes them here; needs the database). Off in standalone, where the gateway's routes call
   * this module in process through CHAT_COMPLETIONS_PORT.
   */
  publicApi: boolean;
  /** open streamed chat completions per API key on the public routes (SSE_MAX_STREAMS_PER_KEY); the platform's defaults when omitted */
  streams?: StreamLimits;
  /**
   * Deployment health: shared by every replica through Redis under this key prefix (REDIS_PREFIX)
   * when the platform has Redis; per process otherwise (standalone).
   */
  healthRedisPrefix?: string;
  /** Cooldown and breaker settings (thresholds, open periods, leases); the defaults when omitted. */
  healthPolicy?: Partial<CooldownPolicy>;
}

/** The deployment health store the router uses (a Redis one when shared). */
export const HEALTH_STORE = Symbol('HEALTH_STORE');

@Injectable()
class HealthStoreShutdown implements OnApplicationShutdown {
  constructor(@Inject(HEALTH_STORE) private readonly store: HealthStore) {}
  onApplicationShutdown(): void {
    if (this.store instanceof RedisHealthStore) this.store.stop();
  }
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
        { provide: POOL_OPTIONS, useValue: { maxAttempts: opts.maxAttempts } },
        { provide: POOL_SSE_LIMITS, useValue: opts.sse },
        { provide: STREAM_LIMITS, useValue: opts.streams ?? DEFAULT_STREAM_LIMITS },
        StreamSlots,
        {
          provide: HEALTH_STORE,
          inject: [REDIS],
          useFactory: (redis: { hot: Redis; subscriber: Redis } | null): HealthStore => {
            if (!redis || opts.healthRedisPrefix === undefined) return new InMemoryHealthStore();
            const store = new RedisHealthStore(redis.hot, redis.subscriber, opts.healthRedisPrefix);
            // not awaited: a Redis that is down at boot must not stop model-pool (the store degrades)
            void store.start();
            return store;
          },
        },
        HealthStoreShutdown,
        {
          provide: ModelRouter,
          inject: [HEALTH_STORE],
          useFactory: (health: HealthStore) =>
            new ModelRouter({
              deployments: opts.deployments.deployments,
              models: opts.deployments.models,
              health,
              ...(opts.healthPolicy ? { policy: opts.healthPolicy } : {}),
              onTransition: logHealthTransition,
              onStoreError: logHealthStoreError,
            }),
        },
        { provide: ProviderHttpClient, useFactory: () => new ProviderHttpClient(opts.providerFetch) },
        ProviderConnections,
        { provide: USAGE_HEARTBEAT_MS, useValue: opts.usageHeartbeatMs ?? DEFAULT_USAGE_HEARTBEAT_MS },
        PriceCatalogCache,
        UsageEmitter,
        ChatCompletionsService,
        { provide: CHAT_COMPLETIONS_PORT, useExisting: ChatCompletionsService },
      ],
      exports: [CHAT_COMPLETIONS_PORT, HEALTH_STORE, ModelRouter],
    };
  }
}
