// Starting a Nest app on Fastify the same way in every service.
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
    get DEFAULT_HTTP_SERVER_OPTIONS () {
        return DEFAULT_HTTP_SERVER_OPTIONS;
    },
    get MAX_URL_LENGTH () {
        return _limits.MAX_URL_LENGTH;
    },
    get createHttpApp () {
        return createHttpApp;
    },
    get exitOnBootFailure () {
        return exitOnBootFailure;
    },
    get httpServerOptions () {
        return httpServerOptions;
    },
    get listen () {
        return listen;
    }
});
require("reflect-metadata");
const _core = require("@nestjs/core");
const _platformfastify = require("@nestjs/platform-fastify");
const _logger = require("../logging/logger");
const _errorstyle = require("../errors/error-style");
const _parseconfig = require("../config/parse-config");
const _edgeauth = require("../auth/edge-auth");
const _apierror = require("../errors/api-error");
const _frameworkerrorshandler = require("../errors/framework-errors.handler");
const _bodycontenttypehook = require("./body-content-type.hook");
const _clienterrorhandler = require("./client-error.handler");
const _jsonbodyparser = require("./json-body.parser");
const _jsonsafety = require("./json-safety");
const _routetable = require("./route-table");
const _limits = require("./limits");
const DEFAULT_HTTP_SERVER_OPTIONS = {
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 72_000,
    connectionTimeoutMs: 610_000,
    trustProxy: false,
    bodyLimitBytes: _limits.BODY_LIMIT_BYTES
};
function httpServerOptions(c) {
    return {
        ...DEFAULT_HTTP_SERVER_OPTIONS,
        headersTimeoutMs: c.HTTP_HEADERS_TIMEOUT_MS,
        requestTimeoutMs: c.HTTP_REQUEST_TIMEOUT_MS,
        keepAliveTimeoutMs: c.HTTP_KEEP_ALIVE_TIMEOUT_MS,
        connectionTimeoutMs: c.HTTP_CONNECTION_TIMEOUT_MS,
        trustProxy: c.TRUST_PROXY
    };
}
async function createHttpApp(module, opts = {}) {
    const http = {
        ...DEFAULT_HTTP_SERVER_OPTIONS,
        ...opts.http
    };
    const adapter = new _platformfastify.FastifyAdapter({
        bodyLimit: http.bodyLimitBytes,
        trustProxy: http.trustProxy,
        return503OnClosing: true,
        forceCloseConnections: 'idle',
        // Node applies headers and request timeouts to receiving the request only; it checks them at
        // this interval (30 s by default, too coarse for a 10 s headers timeout)
        http: {
            headersTimeout: http.headersTimeoutMs,
            requestTimeout: http.requestTimeoutMs,
            connectionsCheckingInterval: Math.max(100, Math.min(5000, Math.floor(Math.min(http.headersTimeoutMs, http.requestTimeoutMs) / 4)))
        },
        requestTimeout: http.requestTimeoutMs,
        keepAliveTimeout: http.keepAliveTimeoutMs,
        connectionTimeout: http.connectionTimeoutMs,
        // both answer in Shoal's error shapes: requests Node's parser refuses, and router errors
        clientErrorHandler: (err, socket)=>(0, _clienterrorhandler.handleClientError)(err, socket),
        frameworkErrors: _frameworkerrorshandler.handleFrameworkError
    });
    hardenRequestHandling(adapter.getInstance());
    // bodyParser: false keeps Nest from adding its own JSON and form parsers next to the ones above
    const app = await _core.NestFactory.create(module, adapter, {
        logger: new _logger.PinoNestLogger(),
        abortOnError: false,
        bodyParser: false
    });
    app.useGlobalFilters(new _errorstyle.HttpErrorFilter());
    // credentials are checked before the body is read (PlatformModule provides EdgeAuth; an app
    // without it, like a test's bare echo module, has no credentials to check)
    edgeAuthOf(app)?.install(app.getHttpAdapter().getInstance());
    if (opts.shutdownHooks !== false) app.enableShutdownHooks();
    return app;
}
/**
 * What every Shoal service does with a request before a controller sees it: routes are collected
 * (405s, tests), long URLs and unexpected body types are refused before the body is read, and JSON
 * bodies go through `parseJsonBody` (depth, NUL, lone surrogates, prototype keys).
 */ function hardenRequestHandling(fastify) {
    _routetable.RouteTable.attach(fastify);
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('application/json', {
        parseAs: 'string'
    }, (_req, body, done)=>{
        try {
            done(null, (0, _jsonbodyparser.parseJsonBody)(body));
        } catch (err) {
            done(err, undefined);
        }
    });
    // the hook below lets only a route's own types through; those other than JSON arrive as text
    fastify.addContentTypeParser('*', {
        parseAs: 'string'
    }, (_req, body, done)=>done(null, body));
    fastify.addHook('onRequest', async (req)=>{
        if (req.url.length > _limits.MAX_URL_LENGTH) throw new _apierror.ApiError('uri_too_long', `The URL is longer than ${_limits.MAX_URL_LENGTH} characters`, {
            issues: [
                {
                    path: 'url',
                    message: `is longer than ${_limits.MAX_URL_LENGTH} characters`
                }
            ]
        });
    });
    fastify.addHook('onRequest', _bodycontenttypehook.checkBodyContentType);
    // ids and query values reach repositories as text: no NUL or lone surrogate there either
    fastify.addHook('onRequest', async (req)=>{
        (0, _jsonsafety.assertJsonSafe)(req.params, 'path');
        (0, _jsonsafety.assertJsonSafe)(req.query, 'query');
    });
}
async function listen(app, opts) {
    await app.listen(opts.port, opts.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : opts.port;
    const url = `http://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${port}`;
    (0, _logger.createLogger)('http').info({
        url
    }, 'listening');
    return url;
}
function exitOnBootFailure(service) {
    return (err)=>{
        const message = err instanceof Error ? err.message : String(err);
        process.stderr.write(`${service} failed to start: ${message}\n`);
        // a configuration error is fully said above; anything else gets its stack in the JSON log
        if (!(err instanceof _parseconfig.ConfigError)) (0, _logger.createLogger)(service).fatal({
            err
        }, 'boot failed');
        process.exit(1);
    };
}
function edgeAuthOf(app) {
    try {
        return app.get(_edgeauth.EdgeAuth, {
            strict: false
        });
    } catch  {
        return undefined;
    }
}

//# sourceMappingURL=bootstrap.js.map