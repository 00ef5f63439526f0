// The mock provider served without a socket: a `fetch` that hands each request to the mock's
// request handler in this process (light-my-request, as Fastify's inject does), streaming the
// answer back as it is written. Standalone mode serves mock-chat this way, so it opens no port.
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
    get IN_PROCESS_MOCK_URL () {
        return IN_PROCESS_MOCK_URL;
    },
    get createInProcessMockProvider () {
        return createInProcessMockProvider;
    }
});
const _nodestream = require("node:stream");
const _lightmyrequest = require("light-my-request");
const _mockproviderserver = require("./mock-provider.server");
const IN_PROCESS_MOCK_URL = 'http://mock-provider.invalid/v1';
function createInProcessMockProvider(opts = {}) {
    const mock = new _mockproviderserver.MockProviderServer(opts.apiKey, [
        ...opts.models ?? [
            'mock-chat'
        ]
    ], opts.faults);
    return {
        url: IN_PROCESS_MOCK_URL,
        fetch: (input, init)=>dispatch(mock.listener, new Request(input, init)),
        calls: ()=>mock.calls(),
        callLog: ()=>mock.callLog(),
        reset: ()=>mock.reset(),
        setFaults: (faults)=>mock.setFaults(faults)
    };
}
async function dispatch(listener, request) {
    const url = new URL(request.url);
    const payload = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const res = await (0, _lightmyrequest.inject)(listener, {
        method: request.method,
        url: url.pathname + url.search,
        headers: Object.fromEntries(request.headers),
        ...payload ? {
            payload
        } : {},
        payloadAsStream: true,
        signal: request.signal
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)){
        if (value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [
            value
        ])headers.append(name, String(v));
    }
    return new Response(_nodestream.Readable.toWeb(res.stream()), {
        status: res.statusCode,
        headers
    });
}

//# sourceMappingURL=mock-provider.in-process.js.map