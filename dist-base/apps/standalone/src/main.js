// Standalone mode: the whole platform in one process, nothing to install. Embedded Postgres
// (PGlite, kept under SHOAL_DATA_DIR, on a Unix socket there), in-process stand-ins for the
// Redis-backed queue, run events kept in Postgres, and the mock provider serving `mock-chat` in
// process. The four services' modules are the same code that runs distributed; they call each
// other over HTTP on this process's own port, the only port it opens.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
const _interop_require_default = require("@swc/helpers/_/_interop_require_default");
require("reflect-metadata");
const _nodecrypto = require("node:crypto");
const _nodefs = require("node:fs");
const _nodepath = /*#__PURE__*/ _interop_require_default._(require("node:path"));
const _modelrouting = require("../../../libs/model-routing/src");
const _platform = require("../../../libs/platform/src");
const _mockprovider = require("../../../libs/mock-provider/src");
const _standalonemodule = require("./standalone.module");
const _modelpoolfeature = require("../../../libs/model-pool-feature/src");
const _standaloneconfig = require("./standalone.config");
const _embeddedpostgres = require("./embedded-postgres");
const _exampleworkflow = require("./example-workflow");
const _adminkey = require("./local/admin-key");
const _banner = require("./local/banner");
const _datadir = require("./local/data-dir");
const MOCK_DEPLOYMENT_ID = 'dep_mock_chat';
async function main() {
    const t0 = Date.now();
    const config = (0, _standaloneconfig.loadStandaloneConfig)(process.env);
    (0, _platform.configureRootLogger)({
        service: 'shoal-standalone',
        level: config.LOG_LEVEL
    });
    (0, _datadir.ensurePrivateDir)(config.SHOAL_DATA_DIR);
    const admin = (0, _adminkey.adminKey)(config.SHOAL_DATA_DIR, config.SHOAL_BOOTSTRAP_KEY);
    const pg = await (0, _embeddedpostgres.startEmbeddedPostgres)(config.SHOAL_DATA_DIR);
    // the built-in mock is called in process, without a socket; SHOAL_MOCK_PROVIDER_URL points mock-chat elsewhere
    const mock = config.SHOAL_MOCK_PROVIDER_URL ? undefined : (0, _mockprovider.createInProcessMockProvider)();
    const mockUrl = config.SHOAL_MOCK_PROVIDER_URL ?? mock?.url ?? '';
    const deployments = (0, _modelrouting.loadDeploymentConfig)({
        file: {
            deployments: [
                ...fileDeployments(config.MODEL_POOL_CONFIG),
                {
                    id: MOCK_DEPLOYMENT_ID,
                    model: 'mock-chat',
                    provider: 'openai-compatible',
                    baseUrl: mockUrl,
                    apiKey: 'mock',
                    upstreamModel: 'mock-chat',
                    weight: 1
                }
            ]
        },
        // the whole environment: provider shortcuts, and deployments that name the variable holding their key
        env: process.env
    });
    const self = `http://127.0.0.1:${config.PORT}`;
    const internalToken = (0, _nodecrypto.randomBytes)(24).toString('base64url');
    const app = await (0, _platform.createHttpApp)(_standalonemodule.StandaloneModule.register({
        databaseUrl: pg.url,
        databaseConnections: 1,
        selfUrl: self,
        internalToken,
        bootstrapKey: admin.key,
        deployments,
        providerFetch: mock ? new Map([
            [
                MOCK_DEPLOYMENT_ID,
                mock.fetch
            ]
        ]) : undefined,
        engineConcurrency: config.ENGINE_CONCURRENCY,
        limits: {
            sse: (0, _platform.sseLimitsOf)(config),
            streams: {
                maxPerKey: config.SSE_MAX_STREAMS_PER_KEY,
                maxPerRun: config.SSE_MAX_STREAMS_PER_RUN
            },
            auth: {
                failuresPerIp: config.AUTH_FAILURES_PER_IP,
                windowMs: config.AUTH_FAILURE_WINDOW_MS
            },
            runEvents: {
                maxBytesPerRun: config.RUN_EVENTS_MAX_BYTES_PER_RUN,
                fieldMaxBytes: config.RUN_EVENT_FIELD_MAX_BYTES,
                finishedTtlSeconds: config.RUN_EVENTS_FINISHED_TTL_SECONDS,
                maxFinishedBytes: config.RUN_EVENTS_MEMORY_MAX_BYTES
            },
            workflow: (0, _platform.workflowLimitsOf)(config)
        }
    }), {
        shutdownHooks: false,
        http: (0, _platform.httpServerOptions)(config)
    });
    const url = await (0, _platform.listen)(app, {
        port: config.PORT,
        host: config.HOST
    });
    // in-flight requests and runs finish, then embedded Postgres closes cleanly
    const stop = async (signal)=>{
        process.stderr.write(`\n${signal}: stopping Shoal...\n`);
        await app.close();
        await pg.stop();
        process.exit(0);
    };
    process.once('SIGTERM', ()=>void stop('SIGTERM'));
    process.once('SIGINT', ()=>void stop('SIGINT'));
    const workflowId = await ensureExampleWorkflow(url, admin.key, config.SHOAL_DATA_DIR);
    process.stdout.write((0, _banner.banner)({
        url,
        readySeconds: (Date.now() - t0) / 1000,
        dataDir: config.SHOAL_DATA_DIR,
        models: deployments.models.map((m)=>m.name),
        admin,
        workflowId
    }));
}
function fileDeployments(file) {
    if (!file) return [];
    return (0, _modelpoolfeature.readDeploymentFile)(file).deployments ?? [];
}
async function ensureExampleWorkflow(url, key, dataDir) {
    const file = _nodepath.default.join(dataDir, 'example-workflow-id');
    if ((0, _nodefs.existsSync)(file)) {
        const id = (0, _nodefs.readFileSync)(file, 'utf8').trim();
        const res = await fetch(`${url}/v1/workflows/${id}`, {
            headers: {
                authorization: `Bearer ${key}`
            }
        });
        if (res.ok) return id;
    }
    const res = await fetch(`${url}/v1/workflows`, {
        method: 'POST',
        headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/json'
        },
        body: JSON.stringify(_exampleworkflow.EXAMPLE_WORKFLOW)
    });
    if (!res.ok) throw new Error(`could not create the example workflow: ${res.status} ${await res.text()}`);
    const { id } = await res.json();
    (0, _nodefs.writeFileSync)(file, id + '\n');
    return id;
}
main().catch((0, _platform.exitOnBootFailure)('shoal'));

//# sourceMappingURL=main.js.map