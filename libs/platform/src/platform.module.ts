// Infrastructure every app needs, wired once: Prisma, the job queue, run events, auth guards,
// health, and their shutdown. `redis: 'memory'` swaps the Redis-backed parts for in-process ones
// (standalone mode); the code above these ports is the same either way.
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { createPrismaClient, PrismaClient, type DatabaseOptions } from './database/prisma';
import { FAIL_FAST_REDIS, createRedis, type Redis } from './redis/redis';
import { JOB_QUEUE, type JobQueue } from './queue/job-queue';
import { BullMqJobQueue } from './queue/bullmq.job-queue';
import { InMemoryJobQueue } from './queue/memory.job-queue';
import { RUN_EVENT_STORE, type RunEventStore } from './events/run-event-store';
import { RedisRunEventStore } from './events/redis.run-event-store';
import { InMemoryRunEventStore } from './events/memory.run-event-store';
import { PostgresRunEventStore } from './events/postgres.run-event-store';
import { RunEventsRepository } from './events/run-events.repository';
import { DEFAULT_RUN_EVENT_LIMITS } from './events/run-event-limits';
import { InMemoryRunCancelBus, RUN_CANCEL_BUS, RedisRunCancelBus, type RunCancelBus } from './runs/run-cancel-bus';
import { ApiKeysRepository } from './auth/api-keys.repository';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyAuthenticator } from './auth/api-key.authenticator';
import type { AuthFailureLimits } from './auth/auth-failure.limiter';
import { EdgeAuth } from './auth/edge-auth';
import { ApiKeyChanges } from './auth/api-key-changes';
import {
  InProcessKeyInvalidationBus,
  KEY_INVALIDATION_BUS,
  RedisKeyInvalidationBus,
  type KeyInvalidationBus,
} from './auth/key-invalidation.bus';
import type { InMemoryRunEventLimits } from './events/memory.run-event-store';
import { INTERNAL_TOKEN, InternalTokenGuard } from './auth/internal-token.guard';
import { HealthController, READINESS_CHECKS, type ReadinessCheck } from './health/health.controller';
import { createLogger } from './logging/logger';
import { RATE_LIMITER, type RateLimiter } from './rate-limit/rate-limit';
import { RedisRateLimiter } from './rate-limit/redis.rate-limiter';
import { InMemoryRateLimiter } from './rate-limit/memory.rate-limiter';
import { NO_RATE_LIMITS, RateLimitGate, type RateLimitDefaults } from './rate-limit/rate-limit.gate';
import { USAGE_LOG, type UsageLog } from './usage/usage-log';
import { RedisUsageLog } from './usage/redis.usage-log';
import { InMemoryUsageLog } from './usage/memory.usage-log';
import { PRICE_FEED, type PriceFeed } from './usage/price-feed';
import { RedisPriceFeed } from './usage/redis.price-feed';
import { InMemoryPriceFeed } from './usage/memory.price-feed';
import { InProcessPoolConfigBus, POOL_CONFIG_BUS, RedisPoolConfigBus, type PoolConfigBus } from './pool-config/pool-config.bus';
import { PoolCredentialsRepository } from './pool-config/pool-credentials.repository';
import { PoolDeploymentsRepository } from './pool-config/pool-deployments.repository';
import { PoolAliasesRepository } from './pool-config/pool-aliases.repository';
import { PoolConfigReaderRepository } from './pool-config/pool-config.reader.repository';

export interface PlatformOptions {
  /** omit for services without a database (model-pool) */
  database?: DatabaseOptions;
  redis: { url: string; prefix: string } | 'memory';
  /** when `redis` is 'memory': a file journalling the usage log, so that a crash loses no usage (standalone) */
  usageJournal?: string;
  /** where run events live when `redis` is 'memory': in process (default), or in `database` (standalone: they survive a restart) */
  runEventStore?: 'memory' | 'database';
  internalToken: string;
  /** failed API-key authentications per client IP (defaults: 20 a minute) */
  auth?: AuthFailureLimits;
  /** default rate limits for keys and tenants without their own (none when omitted) */
  rateLimits?: RateLimitDefaults;
  /** run event storage bounds; `maxFinishedBytes` and `maxActiveRuns` apply to the in-process store */
  runEvents?: Partial<InMemoryRunEventLimits>;
}

export const REDIS = Symbol('REDIS');

@Injectable()
class PlatformShutdown implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly log = createLogger('PlatformShutdown');
  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(RUN_EVENT_STORE) private readonly events: RunEventStore,
    @Inject(USAGE_LOG) private readonly usageLog: UsageLog,
    @Inject(PRICE_FEED) private readonly priceFeed: PriceFeed,
    @Inject(REDIS) private readonly redis: { main: Redis; subscriber: Redis; queue: Redis; hot: Redis } | null,
    @Inject(PrismaClient) private readonly prisma: PrismaClient | null,
  ) {}

  // before the HTTP server closes: a job in progress may still call this process's own routes (standalone)
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.log.info({ signal }, 'shutting down: letting queue jobs in progress finish');
    await this.queue.stopWorkers();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.events.close();
    await this.usageLog.close();
    await this.priceFeed.close();
    if (this.redis)
      await Promise.allSettled([
        this.redis.main.quit(),
        this.redis.queue.quit(),
        this.redis.hot.quit(),
        Promise.resolve(this.redis.subscriber.disconnect()),
      ]);
    if (this.prisma) await this.prisma.$disconnect();
  }
}

@Module({})
export class PlatformModule {
  static forRoot(opts: PlatformOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: INTERNAL_TOKEN, useValue: opts.internalToken },
      InternalTokenGuard,
      {
        provide: PrismaClient,
        useFactory: () => (opts.database ? createPrismaClient(opts.database) : null),
      },
      {
        provide: REDIS,
        // the subscriber connects on its first SUBSCRIBE: only services that follow runs (gateway) open it;
        // `main` fails fast while Redis is down (requests answer 503), BullMQ's `queue` waits Redis out
        // `hot` carries the per-request commands (usage intents and entries, rate limits, run event
        // appends) with auto-pipelining: what concurrent requests send in the same tick goes out as one
        // write (in order: one connection); it fails fast too.
        useFactory: () =>
          opts.redis === 'memory'
            ? null
            : {
                main: createRedis(opts.redis.url, FAIL_FAST_REDIS),
                subscriber: createRedis(opts.redis.url, { lazyConnect: true }),
                queue: createRedis(opts.redis.url),
                hot: createRedis(opts.redis.url, { ...FAIL_FAST_REDIS, enableAutoPipelining: true }),
              },
      },
      {
        provide: JOB_QUEUE,
        inject: [REDIS],
        // BullMQ takes the connection itself (it duplicates it for its blocking worker connections)
        useFactory: (redis: { queue: Redis } | null): JobQueue =>
          opts.redis === 'memory' || !redis ? new InMemoryJobQueue() : new BullMqJobQueue(redis.queue, `${opts.redis.prefix}bull`),
      },
      {
        provide: RUN_EVENT_STORE,
        inject: [REDIS, PrismaClient],
        useFactory: (redis: { hot: Redis; subscriber: Redis } | null, prisma: PrismaClient | null): RunEventStore => {
          // appends of concurrent runs that fall in one tick share a write: on `hot`
          if (opts.redis !== 'memory' && redis)
            return new RedisRunEventStore(redis.hot, redis.subscriber, opts.redis.prefix, {
              ...DEFAULT_RUN_EVENT_LIMITS,
              ...opts.runEvents,
            });
          if (opts.runEventStore === 'database' && prisma)
            return new PostgresRunEventStore(new RunEventsRepository(prisma), {
              maxBytesPerRun: opts.runEvents?.maxBytesPerRun,
              fieldMaxBytes: opts.runEvents?.fieldMaxBytes,
            });
          return new InMemoryRunEventStore(opts.runEvents);
        },
      },
      {
        provide: RUN_CANCEL_BUS,
        inject: [REDIS],
        useFactory: (redis: { main: Redis; subscriber: Redis } | null): RunCancelBus =>
          opts.redis !== 'memory' && redis
            ? new RedisRunCancelBus(redis.main, redis.subscriber, opts.redis.prefix)
            : new InMemoryRunCancelBus(),
      },
      {
        provide: USAGE_LOG,
        inject: [REDIS],
        useFactory: (redis: { hot: Redis } | null): UsageLog =>
          opts.redis === 'memory' || !redis
            ? new InMemoryUsageLog(undefined, undefined, opts.usageJournal)
            : new RedisUsageLog(redis.hot, opts.redis.prefix),
      },
      {
        provide: PRICE_FEED,
        inject: [REDIS],
        useFactory: (redis: { main: Redis; subscriber: Redis } | null): PriceFeed =>
          opts.redis === 'memory' || !redis ? new InMemoryPriceFeed() : new RedisPriceFeed(redis.main, redis.subscriber, opts.redis.prefix),
      },
      {
        provide: ApiKeysRepository,
        inject: [PrismaClient],
        useFactory: (prisma: PrismaClient | null) => (prisma ? new ApiKeysRepository(prisma) : null),
      },
      {
        provide: KEY_INVALIDATION_BUS,
        inject: [REDIS],
        useFactory: (redis: { main: Redis; subscriber: Redis } | null): KeyInvalidationBus =>
          opts.redis !== 'memory' && redis
            ? new RedisKeyInvalidationBus(redis.main, redis.subscriber, opts.redis.prefix)
            : new InProcessKeyInvalidationBus(),
      },
      {
        provide: ApiKeyAuthenticator,
        inject: [ApiKeysRepository, KEY_INVALIDATION_BUS],
        useFactory: (keys: ApiKeysRepository | null, bus: KeyInvalidationBus) =>
          keys ? new ApiKeyAuthenticator(keys, opts.auth, bus) : null,
      },
      {
        provide: ApiKeyChanges,
        inject: [ApiKeysRepository, KEY_INVALIDATION_BUS],
        useFactory: (keys: ApiKeysRepository | null, bus: KeyInvalidationBus) => (keys ? new ApiKeyChanges(keys, bus) : null),
      },
      {
        provide: RATE_LIMITER,
        inject: [REDIS],
        useFactory: (redis: { hot: Redis } | null): RateLimiter =>
          opts.redis !== 'memory' && redis ? new RedisRateLimiter(redis.hot, opts.redis.prefix) : new InMemoryRateLimiter(),
      },
      {
        provide: RateLimitGate,
        inject: [RATE_LIMITER, ApiKeysRepository],
        // only where API keys are checked
        useFactory: (limiter: RateLimiter, keys: ApiKeysRepository | null) =>
          keys ? new RateLimitGate(limiter, opts.rateLimits ?? NO_RATE_LIMITS) : null,
      },
      ApiKeyGuard,
      EdgeAuth,
      // the pool config (admin API writes, model-pool reads); only where there is a database
      ...[PoolCredentialsRepository, PoolDeploymentsRepository, PoolAliasesRepository, PoolConfigReaderRepository].map((repo) => ({
        provide: repo,
        inject: [PrismaClient],
        useFactory: (prisma: PrismaClient | null) => (prisma ? new repo(prisma) : null),
      })),
      {
        provide: POOL_CONFIG_BUS,
        inject: [REDIS],
        useFactory: (redis: { main: Redis; subscriber: Redis } | null): PoolConfigBus =>
          opts.redis !== 'memory' && redis
            ? new RedisPoolConfigBus(redis.main, redis.subscriber, opts.redis.prefix)
            : new InProcessPoolConfigBus(),
      },
      {
        provide: READINESS_CHECKS,
        inject: [PrismaClient, REDIS],
        useFactory: (prisma: PrismaClient | null, redis: { main: Redis } | null): ReadinessCheck[] => [
          ...(prisma ? [{ name: 'postgres', check: async () => void (await prisma.$queryRaw`SELECT 1`) }] : []),
          ...(redis ? [{ name: 'redis', check: async () => void (await redis.main.ping()) }] : []),
        ],
      },
      PlatformShutdown,
    ];
    return {
      module: PlatformModule,
      global: true,
      controllers: [HealthController],
      providers,
      exports: [
        INTERNAL_TOKEN,
        InternalTokenGuard,
        PrismaClient,
        REDIS,
        JOB_QUEUE,
        RUN_EVENT_STORE,
        RUN_CANCEL_BUS,
        USAGE_LOG,
        PRICE_FEED,
        ApiKeysRepository,
        ApiKeyAuthenticator,
        ApiKeyChanges,
        ApiKeyGuard,
        EdgeAuth,
        RATE_LIMITER,
        RateLimitGate,
        PoolCredentialsRepository,
        PoolDeploymentsRepository,
        PoolAliasesRepository,
        PoolConfigReaderRepository,
        POOL_CONFIG_BUS,
      ],
    };
  }
}
