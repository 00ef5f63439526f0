// Starts the mock provider for manual demos: `node dist/libs/mock-provider/src/mock-provider.main.js`.
// Environment: MOCK_PROVIDER_PORT (default 8090), MOCK_PROVIDER_HOST (default 127.0.0.1),
// MOCK_PROVIDER_API_KEY (optional; when set, requests must present it).
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
const _mockproviderserver = require("./mock-provider.server");
function portFromEnv(value) {
    if (value === undefined || value === '') return 8090;
    const port = Number(value);
    if (!/^\d+$/.test(value) || port > 65535) {
        console.error(`MOCK_PROVIDER_PORT must be a port number 0-65535, got ${JSON.stringify(value)}`);
        process.exit(1);
    }
    return port;
}
async function main() {
    const port = portFromEnv(process.env.MOCK_PROVIDER_PORT);
    const apiKey = process.env.MOCK_PROVIDER_API_KEY || undefined;
    const mock = await (0, _mockproviderserver.startMockProvider)({
        port,
        host: process.env.MOCK_PROVIDER_HOST || undefined,
        apiKey
    });
    const auth = apiKey ? ` -H 'Authorization: Bearer ${apiKey}'` : '';
    console.log(`Shoal MOCK provider (a test tool, not a real model) serving mock-chat at ${mock.url}`);
    console.log(`Try: curl -s ${mock.url}/chat/completions${auth} -H 'Content-Type: application/json' -d '{"model":"mock-chat","messages":[{"role":"user","content":"hello"}]}'`);
    const stop = ()=>void mock.close().then(()=>process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}
main().catch((err)=>{
    console.error('mock provider failed to start:', err);
    process.exit(1);
});

//# sourceMappingURL=mock-provider.main.js.map