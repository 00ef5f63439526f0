import { Inject, Injectable, type DynamicModule, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CHAT_COMPLETIONS_PORT, POOL_STATE_PORT } from '@shoal/contracts';
import { InMemoryHealthStore, type CooldownPolicy, type DeploymentConfig, type HealthStore } from '@shoal/model-routing';
import {
  DEFAULT_STREAM_LIMITS,
  POOL_CONFIG_BUS,
  PoolConfigReaderRepository,
  REDIS,
  STREAM_LIMITS,
  StreamSlots,
  type PoolConfigBus,
  type Redis,
  type SecretBox,
  type SseLimits,
  type StreamLimits,
} from '@shoal/platform';
import { logHealthStoreError, logHealthTransition } from './health/health-transition.logger';
import { RedisHealthStore } from './health/redis.health-store';
import { POOL_HEALTH_STORE, POOL_ROUTERS_OPTIONS, PoolRouters, type PoolRoutersOptions } from './pool-config/pool-routers';
import { PoolStateController } from './pool-config/pool-state.controller';
import { PoolStateService } from './pool-config/pool-state.service';
import { ChatCompletionsController } from './pool/chat-completions.controller';
import { PublicChatCompletionsController } from './pool/public-chat-completions.controller';
import { ChatCompletionsService, POOL_OPTIONS, POOL_SSE_LIMITS } from './pool/chat-completions.service';
import { EmbeddingsService } from './pool/embeddings.service';
import { poolPort } from './pool/pool.port';
import { DEFAULT_USAGE_HEARTBEAT_MS, USAGE_HEARTBEAT_MS, UsageEmitter } from './pool/usage.emitter';
import { PriceCatalogCache } from './pool/price-catalog.cache';
import { ProviderHttpClient, type ProviderFetch } from './pool/provider-http.client';

export interface ModelPoolOptions {
  /** the boot seed (MODEL_POOL_CONFIG file, env keys); merged with the stored config when there is a database */
  deployments: DeploymentConfig;
  /** opens stored provider credentials (SHOAL_SECRET_KEY); without it stored deployments are left out, loudly */
  secrets?: SecretBox | null;
  /** how often the stored config's version is checked, for a missed change message (default 5 s) */
  configPollMs?: number;
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

const DEFAULT_CONFIG_POLL_MS = 5_000;

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
      controllers: [ChatCompletionsController, PoolStateController, ...(opts.publicApi ? [PublicChatCompletionsController] : [])],
      providers: [
        {
          provide: POOL_OPTIONS,
          useValue: { maxAttempts: opts.maxAttempts, ttftTimeoutMs: opts.ttftTimeoutMs, stallTimeoutMs: opts.stallTimeoutMs },
        },
        { provide: POOL_SSE_LIMITS, useValue: opts.sse },
        { provide: STREAM_LIMITS, useValue: opts.streams ?? DEFAULT_STREAM_LIMITS },
        StreamSlots,
        {
          // one health store for every router of every config version and tenant view, so health
          // survives a reload; shared by every replica through Redis when there is one
          provide: POOL_HEALTH_STORE,
          inject: [REDIS],
          useFactory: (redis: { hot: Redis; subscriber: Redis } | null): HealthStore => {
            if (!redis || opts.healthRedisPrefix === undefined) return new InMemoryHealthStore();
            const store = new RedisHealthStore(redis.hot, redis.subscriber, opts.healthRedisPrefix);
            // not awaited: a Redis that is down at boot must not stop model-pool (the store degrades)
            void store.start();
            return store;
          },
        },
        { provide: HEALTH_STORE, useExisting: POOL_HEALTH_STORE },
        HealthStoreShutdown,
        {
          provide: POOL_ROUTERS_OPTIONS,
          inject: [PoolConfigReaderRepository, POOL_CONFIG_BUS, PriceCatalogCache],
          useFactory: (reader: PoolConfigReaderRepository | null, bus: PoolConfigBus, prices: PriceCatalogCache): PoolRoutersOptions => ({
            seed: opts.deployments,
            reader,
            bus,
            secrets: opts.secrets ?? null,
            pollMs: opts.configPollMs ?? DEFAULT_CONFIG_POLL_MS,
            // the cost strategy compares deployments by the catalog's price (a priceOverride wins)
            price: (d) => prices.comparablePrice(d.model, d.upstreamModel),
            ...(opts.healthPolicy ? { policy: opts.healthPolicy } : {}),
            onTransition: logHealthTransition,
            onStoreError: logHealthStoreError,
          }),
        },
        PoolRouters,
        PoolStateService,
        { provide: POOL_STATE_PORT, useExisting: PoolStateService },
        { provide: ProviderHttpClient, useFactory: () => new ProviderHttpClient(opts.providerFetch) },
        ProviderConnections,
        { provide: USAGE_HEARTBEAT_MS, useValue: opts.usageHeartbeatMs ?? DEFAULT_USAGE_HEARTBEAT_MS },
        PriceCatalogCache,
        UsageEmitter,
        ChatCompletionsService,
        EmbeddingsService,
        { provide: CHAT_COMPLETIONS_PORT, useFactory: poolPort, inject: [ChatCompletionsService, EmbeddingsService] },
      ],
      exports: [CHAT_COMPLETIONS_PORT, POOL_STATE_PORT, PoolRouters, HEALTH_STORE],
    };
  }
}
