// Pino JSON logs: one logger per class (`name`), errors under `err`, the trace id on every line,
// secrets redacted by path.
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
    get PinoNestLogger () {
        return PinoNestLogger;
    },
    get configureRootLogger () {
        return configureRootLogger;
    },
    get createLogger () {
        return createLogger;
    },
    get rootLogger () {
        return rootLogger;
    }
});
const _interop_require_default = require("@swc/helpers/_/_interop_require_default");
const _pino = /*#__PURE__*/ _interop_require_default._(require("pino"));
const _api = require("@opentelemetry/api");
const REDACT = [
    'apiKey',
    '*.apiKey',
    'authorization',
    '*.authorization',
    'headers.authorization',
    'req.headers.authorization',
    'headers["x-shoal-internal-token"]',
    '*.headers["x-shoal-internal-token"]',
    'password',
    '*.password',
    'token',
    '*.token'
];
let root;
function build(service, level, destination) {
    return (0, _pino.default)({
        level,
        base: {
            service
        },
        redact: {
            paths: REDACT,
            censor: '[redacted]'
        },
        timestamp: _pino.default.stdTimeFunctions.isoTime,
        formatters: {
            level: (label)=>({
                    level: label
                })
        },
        mixin () {
            const ctx = _api.trace.getActiveSpan()?.spanContext();
            return ctx ? {
                trace_id: ctx.traceId,
                span_id: ctx.spanId
            } : {};
        }
    }, destination);
}
function rootLogger() {
    root ??= build('shoal', process.env['LOG_LEVEL'] ?? 'info');
    return root;
}
function configureRootLogger(opts) {
    root = build(opts.service, opts.level, opts.destination);
    return root;
}
function createLogger(name) {
    return rootLogger().child({
        name
    });
}
let PinoNestLogger = class PinoNestLogger {
    logger = createLogger('nest');
    log(message, context) {
        this.logger.info({
            context
        }, String(message));
    }
    error(message, trace, context) {
        this.logger.error({
            context,
            stack: trace
        }, String(message));
    }
    warn(message, context) {
        this.logger.warn({
            context
        }, String(message));
    }
    debug(message, context) {
        this.logger.debug({
            context
        }, String(message));
    }
    verbose(message, context) {
        this.logger.trace({
            context
        }, String(message));
    }
};

//# sourceMappingURL=logger.js.map