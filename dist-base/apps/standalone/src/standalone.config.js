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
    get loadStandaloneConfig () {
        return loadStandaloneConfig;
    },
    get standaloneConfigSchema () {
        return standaloneConfigSchema;
    }
});
const _interop_require_default = require("@swc/helpers/_/_interop_require_default");
const _nodepath = /*#__PURE__*/ _interop_require_default._(require("node:path"));
const _zod = require("zod");
const _platform = require("../../../libs/platform/src");
const standaloneConfigSchema = _zod.z.object({
    PORT: _zod.z.coerce.number().int().min(1).max(65535).default(8080),
    HOST: _zod.z.string().default('127.0.0.1'),
    SHOAL_DATA_DIR: _zod.z.string().default('.shoal').transform((p)=>_nodepath.default.resolve(p)),
    SHOAL_BOOTSTRAP_KEY: _zod.z.string().min(20, 'must be at least 20 characters').optional(),
    MODEL_POOL_CONFIG: _zod.z.string().optional(),
    /** serve mock-chat from this OpenAI-compatible URL instead of the built-in mock provider (tests, fault-injection demos) */ SHOAL_MOCK_PROVIDER_URL: _zod.z.url().optional(),
    DEEPSEEK_API_KEY: _zod.z.string().optional(),
    DEEPSEEK_BASE_URL: _zod.z.string().optional(),
    OPENAI_API_KEY: _zod.z.string().optional(),
    OPENAI_BASE_URL: _zod.z.string().optional(),
    ENGINE_CONCURRENCY: _platform.env.positiveInt(8),
    LOG_LEVEL: _platform.env.logLevel().default('warn'),
    ..._platform.httpEnv,
    ..._platform.sseEnv,
    ..._platform.authEnv,
    ..._platform.runEventsEnv,
    ..._platform.workflowLimitsEnv,
    /** bytes of finished runs' events the in-process store keeps */ RUN_EVENTS_MEMORY_MAX_BYTES: _platform.env.positiveInt(64 * 1024 * 1024),
    SSE_MAX_STREAMS_PER_KEY: _platform.env.positiveInt(100),
    SSE_MAX_STREAMS_PER_RUN: _platform.env.positiveInt(20)
}).superRefine(_platform.checkHttpEnv);
const loadStandaloneConfig = (e)=>(0, _platform.parseConfig)(standaloneConfigSchema, e);

//# sourceMappingURL=standalone.config.js.map