// Each app parses its environment once, at boot, with a zod schema. A bad value stops the
// process with a message that names the variable; nothing else reads process.env.
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
    get ConfigError () {
        return ConfigError;
    },
    get authEnv () {
        return authEnv;
    },
    get checkHttpEnv () {
        return checkHttpEnv;
    },
    get databaseEnv () {
        return databaseEnv;
    },
    get env () {
        return env;
    },
    get httpEnv () {
        return httpEnv;
    },
    get parseConfig () {
        return parseConfig;
    },
    get runEventsEnv () {
        return runEventsEnv;
    },
    get serviceEnv () {
        return serviceEnv;
    },
    get sseEnv () {
        return sseEnv;
    },
    get sseLimitsOf () {
        return sseLimitsOf;
    },
    get workflowLimitsEnv () {
        return workflowLimitsEnv;
    },
    get workflowLimitsOf () {
        return workflowLimitsOf;
    }
});
const _nodenet = require("node:net");
const _zod = require("zod");
let ConfigError = class ConfigError extends Error {
    issues;
    constructor(issues){
        super(`Invalid configuration:\n${issues.map((i)=>`  ${i.variable}: ${i.message}`).join('\n')}`), this.issues = issues;
        this.name = 'ConfigError';
    }
};
function parseConfig(schema, env) {
    // an empty variable (FOO= in a .env or compose file) means "not set"
    const cleaned = Object.fromEntries(Object.entries(env).filter(([, v])=>v !== undefined && v !== ''));
    const result = schema.safeParse(cleaned);
    if (result.success) return result.data;
    throw new ConfigError(result.error.issues.map((i)=>{
        const variable = i.path.map(String).join('.') || '(environment)';
        // never echo the received value: it may be a secret
        return {
            variable,
            message: cleaned[variable] === undefined ? 'is required' : i.message
        };
    }));
}
const env = {
    port: (def)=>_zod.z.coerce.number().int().min(0).max(65535).default(def),
    url: (protocols)=>_zod.z.string({
            error: 'is required'
        }).refine((v)=>{
            try {
                return protocols.includes(new URL(v).protocol.replace(':', ''));
            } catch  {
                return false;
            }
        }, `must be a URL with protocol ${protocols.join(' or ')}`),
    secret: (min = 16)=>_zod.z.string({
            error: 'is required'
        }).min(min, `must be at least ${min} characters`),
    logLevel: ()=>_zod.z.enum([
            'fatal',
            'error',
            'warn',
            'info',
            'debug',
            'trace',
            'silent'
        ]).default('info'),
    positiveInt: (def)=>_zod.z.coerce.number().int().positive().default(def)
};
const databaseEnv = {
    DATABASE_URL: env.url([
        'postgres',
        'postgresql'
    ]),
    DATABASE_POOL_SIZE: env.positiveInt(10)
};
const PROXY_NAMES = new Set([
    'loopback',
    'linklocal',
    'uniquelocal'
]);
const trustProxy = ()=>_zod.z.string().default('false').transform((v, ctx)=>{
        const t = v.trim().toLowerCase();
        if (t === 'false') return false;
        if (t === 'true') return true;
        if (/^\d{1,3}$/.test(t)) return Number(t);
        const parts = t.split(',').map((p)=>p.trim()).filter(Boolean);
        const bad = parts.find((p)=>!PROXY_NAMES.has(p) && !(0, _nodenet.isIP)(p.split('/')[0]));
        if (parts.length === 0 || bad !== undefined) {
            ctx.addIssue({
                code: 'custom',
                message: 'must be false, true, a hop count, or a comma-separated list of addresses/CIDRs'
            });
            return _zod.z.NEVER;
        }
        return parts;
    });
const httpEnv = {
    HTTP_HEADERS_TIMEOUT_MS: env.positiveInt(10_000),
    HTTP_REQUEST_TIMEOUT_MS: env.positiveInt(30_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: env.positiveInt(72_000),
    HTTP_CONNECTION_TIMEOUT_MS: env.positiveInt(610_000),
    TRUST_PROXY: trustProxy()
};
function checkHttpEnv(c, ctx) {
    if (c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_REQUEST_TIMEOUT_MS) {
        ctx.addIssue({
            code: 'custom',
            path: [
                'HTTP_HEADERS_TIMEOUT_MS'
            ],
            message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS'
        });
    }
}
const sseEnv = {
    SSE_MAX_BUFFER_BYTES: env.positiveInt(1024 * 1024),
    SSE_STALL_TIMEOUT_MS: env.positiveInt(30_000)
};
function sseLimitsOf(c) {
    return {
        maxBufferedBytes: c.SSE_MAX_BUFFER_BYTES,
        stallTimeoutMs: c.SSE_STALL_TIMEOUT_MS
    };
}
const runEventsEnv = {
    RUN_EVENTS_MAX_BYTES_PER_RUN: env.positiveInt(16 * 1024 * 1024),
    RUN_EVENT_FIELD_MAX_BYTES: env.positiveInt(64 * 1024),
    RUN_EVENTS_FINISHED_TTL_SECONDS: env.positiveInt(3600)
};
const workflowLimitsEnv = {
    WORKFLOW_MAX_NODES: env.positiveInt(1000),
    WORKFLOW_MAX_EDGES: env.positiveInt(4000),
    WORKFLOW_MAX_TEMPLATE_CHARS: env.positiveInt(400_000),
    RUN_INPUT_MAX_BYTES: env.positiveInt(200 * 1024),
    RUN_INPUTS_MAX_BYTES: env.positiveInt(1024 * 1024)
};
function workflowLimitsOf(c) {
    return {
        graph: {
            maxNodes: c.WORKFLOW_MAX_NODES,
            maxEdges: c.WORKFLOW_MAX_EDGES,
            maxTemplateLength: c.WORKFLOW_MAX_TEMPLATE_CHARS
        },
        inputs: {
            maxInputBytes: c.RUN_INPUT_MAX_BYTES,
            maxTotalInputBytes: c.RUN_INPUTS_MAX_BYTES
        }
    };
}
const authEnv = {
    AUTH_FAILURES_PER_IP: env.positiveInt(20),
    AUTH_FAILURE_WINDOW_MS: env.positiveInt(60_000)
};
const serviceEnv = {
    HOST: _zod.z.string().default('0.0.0.0'),
    REDIS_URL: env.url([
        'redis',
        'rediss'
    ]),
    REDIS_PREFIX: _zod.z.string().default('shoal:'),
    SHOAL_INTERNAL_TOKEN: env.secret(),
    LOG_LEVEL: env.logLevel(),
    ...httpEnv
};

//# sourceMappingURL=parse-config.js.map