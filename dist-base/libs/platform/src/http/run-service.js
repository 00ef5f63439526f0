// A distributed service's entry point: parse its config (a bad value stops it, naming the
// variable), configure logging, wire PlatformModule with the service's feature module, listen.
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
    get platformOptionsOf () {
        return platformOptionsOf;
    },
    get runService () {
        return runService;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _common = require("@nestjs/common");
const _logger = require("../logging/logger");
const _platformmodule = require("../platform.module");
const _bootstrap = require("./bootstrap");
function platformOptionsOf(config) {
    return {
        ...config.DATABASE_URL ? {
            database: {
                url: config.DATABASE_URL,
                maxConnections: config.DATABASE_POOL_SIZE
            }
        } : {},
        redis: {
            url: config.REDIS_URL,
            prefix: config.REDIS_PREFIX
        },
        internalToken: config.SHOAL_INTERNAL_TOKEN,
        ...config.AUTH_FAILURES_PER_IP && config.AUTH_FAILURE_WINDOW_MS ? {
            auth: {
                failuresPerIp: config.AUTH_FAILURES_PER_IP,
                windowMs: config.AUTH_FAILURE_WINDOW_MS
            }
        } : {},
        runEvents: {
            ...config.RUN_EVENTS_MAX_BYTES_PER_RUN ? {
                maxBytesPerRun: config.RUN_EVENTS_MAX_BYTES_PER_RUN
            } : {},
            ...config.RUN_EVENT_FIELD_MAX_BYTES ? {
                fieldMaxBytes: config.RUN_EVENT_FIELD_MAX_BYTES
            } : {},
            ...config.RUN_EVENTS_FINISHED_TTL_SECONDS ? {
                finishedTtlSeconds: config.RUN_EVENTS_FINISHED_TTL_SECONDS
            } : {}
        }
    };
}
function runService(service, load, feature) {
    const start = async ()=>{
        const config = load();
        (0, _logger.configureRootLogger)({
            service,
            level: config.LOG_LEVEL
        });
        let ServiceModule = class ServiceModule {
        };
        ServiceModule = _ts_decorate._([
            (0, _common.Module)({
                imports: [
                    _platformmodule.PlatformModule.forRoot(platformOptionsOf(config)),
                    feature(config)
                ]
            })
        ], ServiceModule);
        const app = await (0, _bootstrap.createHttpApp)(ServiceModule, {
            http: (0, _bootstrap.httpServerOptions)(config)
        });
        await (0, _bootstrap.listen)(app, {
            port: config.PORT,
            host: config.HOST
        });
    };
    start().catch((0, _bootstrap.exitOnBootFailure)(service));
}

//# sourceMappingURL=run-service.js.map