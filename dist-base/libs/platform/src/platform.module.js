// Infrastructure every app needs, wired once: Prisma, the job queue, run events, auth guards,
// health, and their shutdown. `redis: 'memory'` swaps the Redis-backed parts for in-process ones
// (standalone mode); the code above these ports is the same either way.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
function _export(target, all) {
    for(var name in all)Object.defineProperty(target, name, {
        enumerable: true,
        get: Object.getOwnPropertyDescriptor(all, name).get
    });
}
_export(exports, {
    get PlatformModule () {
        return PlatformModule;
    },
    get REDIS () {
        return REDIS;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _prisma = require("./database/prisma");
const _redis = require("./redis/redis");
const _jobqueue = require("./queue/job-queue");
const _bullmqjobqueue = require("./queue/bullmq.job-queue");
const _memoryjobqueue = require("./queue/memory.job-queue");
const _runeventstore = require("./events/run-event-store");
const _redisruneventstore = require("./events/redis.run-event-store");
const _memoryruneventstore = require("./events/memory.run-event-store");
const _postgresruneventstore = require("./events/postgres.run-event-store");
const _runeventsrepository = require("./events/run-events.repository");
const _runeventlimits = require("./events/run-event-limits");
const _apikeysrepository = require("./auth/api-keys.repository");
const _apikeyguard = require("./auth/api-key.guard");
const _apikeyauthenticator = require("./auth/api-key.authenticator");
const _edgeauth = require("./auth/edge-auth");
const _internaltokenguard = require("./auth/internal-token.guard");
const _healthcontroller = require("./health/health.controller");
const _logger = require("./logging/logger");
const REDIS = Symbol('REDIS');
let PlatformShutdown = class PlatformShutdown {
    queue;
    events;
    redis;
    prisma;
    log = (0, _logger.createLogger)('PlatformShutdown');
    constructor(queue, events, redis, prisma){
        this.queue = queue;
        this.events = events;
        this.redis = redis;
        this.prisma = prisma;
    }
    // before the HTTP server closes: a job in progress may still call this process's own routes (standalone)
    async beforeApplicationShutdown(signal) {
        this.log.info({
            signal
        }, 'shutting down: letting queue jobs in progress finish');
        await this.queue.stopWorkers();
    }
    async onApplicationShutdown() {
        await this.queue.close();
        await this.events.close();
        if (this.redis) await Promise.allSettled([
            this.redis.main.quit(),
            Promise.resolve(this.redis.subscriber.disconnect())
        ]);
        if (this.prisma) await this.prisma.$disconnect();
    }
};
PlatformShutdown = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_jobqueue.JOB_QUEUE)),
    _ts_param._(1, (0, _common.Inject)(_runeventstore.RUN_EVENT_STORE)),
    _ts_param._(2, (0, _common.Inject)(REDIS)),
    _ts_param._(3, (0, _common.Inject)(_prisma.PrismaClient)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof JobQueue === "undefined" ? Object : JobQueue,
        typeof RunEventStore === "undefined" ? Object : RunEventStore,
        Object,
        Object
    ])
], PlatformShutdown);
let PlatformModule = class PlatformModule {
    static forRoot(opts) {
        const providers = [
            {
                provide: _internaltokenguard.INTERNAL_TOKEN,
                useValue: opts.internalToken
            },
            _internaltokenguard.InternalTokenGuard,
            {
                provide: _prisma.PrismaClient,
                useFactory: ()=>opts.database ? (0, _prisma.createPrismaClient)(opts.database) : null
            },
            {
                provide: REDIS,
                // the subscriber connects on its first SUBSCRIBE: only services that follow runs (gateway) open it
                useFactory: ()=>opts.redis === 'memory' ? null : {
                        main: (0, _redis.createRedis)(opts.redis.url),
                        subscriber: (0, _redis.createRedis)(opts.redis.url, {
                            lazyConnect: true
                        })
                    }
            },
            {
                provide: _jobqueue.JOB_QUEUE,
                inject: [
                    REDIS
                ],
                // BullMQ takes the connection itself (it duplicates it for its blocking worker connections)
                useFactory: (redis)=>opts.redis === 'memory' || !redis ? new _memoryjobqueue.InMemoryJobQueue() : new _bullmqjobqueue.BullMqJobQueue(redis.main, `${opts.redis.prefix}bull`)
            },
            {
                provide: _runeventstore.RUN_EVENT_STORE,
                inject: [
                    REDIS,
                    _prisma.PrismaClient
                ],
                useFactory: (redis, prisma)=>{
                    if (opts.redis !== 'memory' && redis) return new _redisruneventstore.RedisRunEventStore(redis.main, redis.subscriber, opts.redis.prefix, {
                        ..._runeventlimits.DEFAULT_RUN_EVENT_LIMITS,
                        ...opts.runEvents
                    });
                    if (opts.runEventStore === 'database' && prisma) return new _postgresruneventstore.PostgresRunEventStore(new _runeventsrepository.RunEventsRepository(prisma), {
                        maxBytesPerRun: opts.runEvents?.maxBytesPerRun,
                        fieldMaxBytes: opts.runEvents?.fieldMaxBytes
                    });
                    return new _memoryruneventstore.InMemoryRunEventStore(opts.runEvents);
                }
            },
            {
                provide: _apikeysrepository.ApiKeysRepository,
                inject: [
                    _prisma.PrismaClient
                ],
                useFactory: (prisma)=>prisma ? new _apikeysrepository.ApiKeysRepository(prisma) : null
            },
            {
                provide: _apikeyauthenticator.ApiKeyAuthenticator,
                inject: [
                    _apikeysrepository.ApiKeysRepository
                ],
                useFactory: (keys)=>keys ? new _apikeyauthenticator.ApiKeyAuthenticator(keys, opts.auth) : null
            },
            _apikeyguard.ApiKeyGuard,
            _edgeauth.EdgeAuth,
            {
                provide: _healthcontroller.READINESS_CHECKS,
                inject: [
                    _prisma.PrismaClient,
                    REDIS
                ],
                useFactory: (prisma, redis)=>[
                        ...prisma ? [
                            {
                                name: 'postgres',
                                check: async ()=>void await prisma.$queryRaw`SELECT 1`
                            }
                        ] : [],
                        ...redis ? [
                            {
                                name: 'redis',
                                check: async ()=>void await redis.main.ping()
                            }
                        ] : []
                    ]
            },
            PlatformShutdown
        ];
        return {
            module: PlatformModule,
            global: true,
            controllers: [
                _healthcontroller.HealthController
            ],
            providers,
            exports: [
                _internaltokenguard.INTERNAL_TOKEN,
                _internaltokenguard.InternalTokenGuard,
                _prisma.PrismaClient,
                REDIS,
                _jobqueue.JOB_QUEUE,
                _runeventstore.RUN_EVENT_STORE,
                _apikeysrepository.ApiKeysRepository,
                _apikeyauthenticator.ApiKeyAuthenticator,
                _apikeyguard.ApiKeyGuard,
                _edgeauth.EdgeAuth
            ]
        };
    }
};
PlatformModule = _ts_decorate._([
    (0, _common.Module)({})
], PlatformModule);

//# sourceMappingURL=platform.module.js.map