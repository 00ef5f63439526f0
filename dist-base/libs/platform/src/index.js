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
    get AcceptsBody () {
        return _bodycontenttypehook.AcceptsBody;
    },
    get ApiError () {
        return _apierror.ApiError;
    },
    get ApiKeyAuthenticator () {
        return _apikeyauthenticator.ApiKeyAuthenticator;
    },
    get ApiKeyGuard () {
        return _apikeyguard.ApiKeyGuard;
    },
    get ApiKeysRepository () {
        return _apikeysrepository.ApiKeysRepository;
    },
    get AuthFailureLimiter () {
        return _authfailurelimiter.AuthFailureLimiter;
    },
    get BullMqJobQueue () {
        return _bullmqjobqueue.BullMqJobQueue;
    },
    get ConfigError () {
        return _parseconfig.ConfigError;
    },
    get Ctx () {
        return _requestcontext.Ctx;
    },
    get DEFAULT_AUTH_LIMITS () {
        return _apikeyauthenticator.DEFAULT_AUTH_LIMITS;
    },
    get DEFAULT_HTTP_SERVER_OPTIONS () {
        return _bootstrap.DEFAULT_HTTP_SERVER_OPTIONS;
    },
    get DEFAULT_IN_MEMORY_RUN_EVENT_LIMITS () {
        return _memoryruneventstore.DEFAULT_IN_MEMORY_RUN_EVENT_LIMITS;
    },
    get DEFAULT_RUN_EVENT_LIMITS () {
        return _runeventlimits.DEFAULT_RUN_EVENT_LIMITS;
    },
    get DEFAULT_SSE_LIMITS () {
        return _ssestream.DEFAULT_SSE_LIMITS;
    },
    get EdgeAuth () {
        return _edgeauth.EdgeAuth;
    },
    get HealthController () {
        return _healthcontroller.HealthController;
    },
    get HttpErrorFilter () {
        return _errorstyle.HttpErrorFilter;
    },
    get INTERNAL_CONTEXT_TTL_MS () {
        return _internalcontext.INTERNAL_CONTEXT_TTL_MS;
    },
    get INTERNAL_TOKEN () {
        return _internaltokenguard.INTERNAL_TOKEN;
    },
    get InMemoryJobQueue () {
        return _memoryjobqueue.InMemoryJobQueue;
    },
    get InMemoryRunEventStore () {
        return _memoryruneventstore.InMemoryRunEventStore;
    },
    get InternalContextError () {
        return _internalcontext.InternalContextError;
    },
    get InternalCtx () {
        return _internaltokenguard.InternalCtx;
    },
    get InternalTokenGuard () {
        return _internaltokenguard.InternalTokenGuard;
    },
    get JOB_QUEUE () {
        return _jobqueue.JOB_QUEUE;
    },
    get LruCache () {
        return _lrucache.LruCache;
    },
    get MAX_JSON_DEPTH () {
        return _jsonsafetyscan.MAX_JSON_DEPTH;
    },
    get MAX_URL_LENGTH () {
        return _bootstrap.MAX_URL_LENGTH;
    },
    get OpenAiErrorFilter () {
        return _errorfilters.OpenAiErrorFilter;
    },
    get PinoNestLogger () {
        return _logger.PinoNestLogger;
    },
    get PlatformModule () {
        return _platformmodule.PlatformModule;
    },
    get PostgresRunEventStore () {
        return _postgresruneventstore.PostgresRunEventStore;
    },
    get Prisma () {
        return _prisma.Prisma;
    },
    get PrismaClient () {
        return _prisma.PrismaClient;
    },
    get ProblemJsonFilter () {
        return _errorfilters.ProblemJsonFilter;
    },
    get READINESS_CHECKS () {
        return _healthcontroller.READINESS_CHECKS;
    },
    get REDIS () {
        return _platformmodule.REDIS;
    },
    get RUN_EVENT_STORE () {
        return _runeventstore.RUN_EVENT_STORE;
    },
    get RedisRunEventStore () {
        return _redisruneventstore.RedisRunEventStore;
    },
    get RouteTable () {
        return _routetable.RouteTable;
    },
    get RunEventsRepository () {
        return _runeventsrepository.RunEventsRepository;
    },
    get SseStream () {
        return _ssestream.SseStream;
    },
    get applyMigrations () {
        return _migrator.applyMigrations;
    },
    get authEnv () {
        return _parseconfig.authEnv;
    },
    get bearerToken () {
        return _apikey.bearerToken;
    },
    get boundRunEvent () {
        return _runeventlimits.boundRunEvent;
    },
    get checkHttpEnv () {
        return _parseconfig.checkHttpEnv;
    },
    get clientGone () {
        return _clientgone.clientGone;
    },
    get configureRootLogger () {
        return _logger.configureRootLogger;
    },
    get constantTimeEqual () {
        return _apikey.constantTimeEqual;
    },
    get createHttpApp () {
        return _bootstrap.createHttpApp;
    },
    get createLogger () {
        return _logger.createLogger;
    },
    get createPrismaClient () {
        return _prisma.createPrismaClient;
    },
    get createRedis () {
        return _redis.createRedis;
    },
    get databaseEnv () {
        return _parseconfig.databaseEnv;
    },
    get displayPrefix () {
        return _apikey.displayPrefix;
    },
    get env () {
        return _parseconfig.env;
    },
    get errorStyleFor () {
        return _errorstyle.errorStyleFor;
    },
    get exitOnBootFailure () {
        return _bootstrap.exitOnBootFailure;
    },
    get findMigrationsDir () {
        return _migrator.findMigrationsDir;
    },
    get generateApiKey () {
        return _apikey.generateApiKey;
    },
    get hashApiKey () {
        return _apikey.hashApiKey;
    },
    get httpEnv () {
        return _parseconfig.httpEnv;
    },
    get httpServerOptions () {
        return _bootstrap.httpServerOptions;
    },
    get internalHeaders () {
        return _internalcontext.internalHeaders;
    },
    get jsonPath () {
        return _parsebody.jsonPath;
    },
    get listen () {
        return _bootstrap.listen;
    },
    get mediaTypeOf () {
        return _bodycontenttypehook.mediaTypeOf;
    },
    get parseBody () {
        return _parsebody.parseBody;
    },
    get parseConfig () {
        return _parseconfig.parseConfig;
    },
    get parseJsonBody () {
        return _jsonbodyparser.parseJsonBody;
    },
    get platformOptionsOf () {
        return _runservice.platformOptionsOf;
    },
    get rootLogger () {
        return _logger.rootLogger;
    },
    get routeRequirements () {
        return _edgeauth.routeRequirements;
    },
    get runEventsEnv () {
        return _parseconfig.runEventsEnv;
    },
    get runService () {
        return _runservice.runService;
    },
    get serviceEnv () {
        return _parseconfig.serviceEnv;
    },
    get signInternalContext () {
        return _internalcontext.signInternalContext;
    },
    get sseEnv () {
        return _parseconfig.sseEnv;
    },
    get sseLimitsOf () {
        return _parseconfig.sseLimitsOf;
    },
    get toApiError () {
        return _apierror.toApiError;
    },
    get truncatedSuffix () {
        return _runeventlimits.truncatedSuffix;
    },
    get verifyInternalContext () {
        return _internalcontext.verifyInternalContext;
    },
    get workflowLimitsEnv () {
        return _parseconfig.workflowLimitsEnv;
    },
    get workflowLimitsOf () {
        return _parseconfig.workflowLimitsOf;
    }
});
const _parseconfig = require("./config/parse-config");
const _lrucache = require("./cache/lru-cache");
const _logger = require("./logging/logger");
const _apierror = require("./errors/api-error");
const _errorfilters = require("./errors/error-filters");
const _errorstyle = require("./errors/error-style");
const _prisma = require("./database/prisma");
const _migrator = require("./database/migrator");
const _redis = require("./redis/redis");
const _jobqueue = require("./queue/job-queue");
const _bullmqjobqueue = require("./queue/bullmq.job-queue");
const _memoryjobqueue = require("./queue/memory.job-queue");
const _runeventstore = require("./events/run-event-store");
const _redisruneventstore = require("./events/redis.run-event-store");
const _memoryruneventstore = require("./events/memory.run-event-store");
const _runeventlimits = require("./events/run-event-limits");
const _postgresruneventstore = require("./events/postgres.run-event-store");
const _runeventsrepository = require("./events/run-events.repository");
const _apikey = require("./auth/api-key");
const _apikeysrepository = require("./auth/api-keys.repository");
const _apikeyguard = require("./auth/api-key.guard");
const _apikeyauthenticator = require("./auth/api-key.authenticator");
const _authfailurelimiter = require("./auth/auth-failure.limiter");
const _edgeauth = require("./auth/edge-auth");
const _internaltokenguard = require("./auth/internal-token.guard");
const _internalcontext = require("./auth/internal-context");
const _requestcontext = require("./auth/request-context");
const _healthcontroller = require("./health/health.controller");
const _platformmodule = require("./platform.module");
const _bootstrap = require("./http/bootstrap");
const _parsebody = require("./http/parse-body");
const _runservice = require("./http/run-service");
const _clientgone = require("./http/client-gone");
const _jsonbodyparser = require("./http/json-body.parser");
const _jsonsafetyscan = require("./http/json-safety.scan");
const _bodycontenttypehook = require("./http/body-content-type.hook");
const _routetable = require("./http/route-table");
const _ssestream = require("./http/sse-stream");

//# sourceMappingURL=index.js.map