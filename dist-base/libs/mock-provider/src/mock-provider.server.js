// A mock OpenAI-compatible provider: a real HTTP server (node:http) speaking the Chat
// Completions API with deterministic answers and switchable faults. A test and demo tool.
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
    get MOCK_OWNER () {
        return MOCK_OWNER;
    },
    get MockProviderServer () {
        return MockProviderServer;
    },
    get startMockProvider () {
        return startMockProvider;
    }
});
const _nodecrypto = require("node:crypto");
const _nodehttp = require("node:http");
const _chatrequest = require("./chat-request");
const _chatcompletionresponder = require("./chat-completion.responder");
const _faultspec = require("./fault-spec");
const _httpio = require("./http-io");
const _mockanswer = require("./mock-answer");
const _openaierror = require("./openai-error");
const MOCK_OWNER = 'shoal-mock-provider';
const BODY_LIMIT_BYTES = 10 * 1024 * 1024;
let MockProviderServer = class MockProviderServer {
    apiKey;
    models;
    logLimit;
    server;
    /** The request handler, for serving without a socket (see mock-provider.in-process.ts). */ listener;
    log = [];
    total = 0;
    fault;
    remaining;
    created = Math.floor(Date.now() / 1000);
    constructor(apiKey, models, faults, logLimit = 1000){
        this.apiKey = apiKey;
        this.models = models;
        this.logLimit = logLimit;
        this.setFaults(faults);
        this.listener = (req, res)=>{
            const aborted = new AbortController();
            res.on('close', ()=>aborted.abort());
            this.route(req, res, aborted.signal).catch((err)=>{
                if (res.headersSent) return void res.destroy();
                (0, _httpio.sendJson)(res, 500, (0, _openaierror.openAiError)(`shoal-mock-provider failed: ${err instanceof Error ? err.message : String(err)}`, 'server_error'));
            });
        };
        this.server = (0, _nodehttp.createServer)(this.listener);
    }
    calls() {
        return this.total;
    }
    // a long-lived mock (standalone mode's mock-chat) must not keep every request it ever saw
    record(call) {
        this.total++;
        this.log.push(call);
        if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
    }
    callLog() {
        return this.log.map((call)=>Object.freeze({
                ...call
            }));
    }
    reset() {
        this.log.length = 0;
        this.total = 0;
        this.setFaults(undefined);
    }
    setFaults(faults) {
        this.fault = faults && (0, _faultspec.validateFaultSpec)(faults, 'mock provider faults');
        this.remaining = this.fault?.times;
    }
    async route(req, res, signal) {
        const path = new URL(req.url ?? '/', 'http://mock').pathname;
        if (req.method === 'GET' && path === '/health') return (0, _httpio.sendJson)(res, 200, {
            status: 'ok',
            service: MOCK_OWNER
        });
        if (req.method === 'POST' && path === '/v1/chat/completions') return this.chat(req, res, signal);
        const authError = this.checkAuth(req);
        if (authError) return (0, _httpio.sendJson)(res, 401, authError);
        if (req.method === 'GET' && path === '/v1/models') {
            return (0, _httpio.sendJson)(res, 200, {
                object: 'list',
                data: this.models.map((id)=>this.modelEntry(id))
            });
        }
        const modelId = req.method === 'GET' && path.startsWith('/v1/models/') ? decodeURIComponent(path.slice('/v1/models/'.length)) : undefined;
        if (modelId !== undefined && this.models.includes(modelId)) return (0, _httpio.sendJson)(res, 200, this.modelEntry(modelId));
        if (modelId !== undefined) return (0, _httpio.sendJson)(res, 404, this.unknownModel(modelId));
        (0, _httpio.sendJson)(res, 404, (0, _openaierror.openAiError)(`Invalid URL (${req.method} ${path}) on shoal-mock-provider`, 'invalid_request_error', null, 'not_found'));
    }
    async chat(req, res, signal) {
        const at = Date.now();
        const headers = (0, _httpio.flatHeaders)(req);
        let raw;
        try {
            raw = await (0, _httpio.readBody)(req, BODY_LIMIT_BYTES);
        } catch (err) {
            if (!(err instanceof _httpio.BodyTooLargeError)) throw err;
            this.record({
                at,
                model: '',
                stream: false,
                status: 413,
                headers,
                body: ''
            });
            return (0, _httpio.sendJson)(res, 413, (0, _openaierror.openAiError)('Request body too large for shoal-mock-provider', 'invalid_request_error'), {
                Connection: 'close'
            });
        }
        let body = raw;
        try {
            body = JSON.parse(raw);
        } catch  {
        // Kept as text: the log shows what was sent, and decide() answers 400.
        }
        const decision = this.decide(req, body, typeof body === 'string');
        const fields = body !== null && typeof body === 'object' ? body : {};
        const status = decision.kind === 'reject' ? decision.status : decision.fault.status ?? (decision.fault.errorBody ? 500 : 200);
        this.record({
            at,
            model: typeof fields.model === 'string' ? fields.model : '',
            stream: fields.stream === true,
            status,
            headers,
            body
        });
        if (decision.kind === 'reject') return (0, _httpio.sendJson)(res, decision.status, decision.body);
        const { fault, completion } = decision;
        if (fault.retryAfter !== undefined) completion.headers['Retry-After'] = String(fault.retryAfter);
        if (!await (0, _httpio.pause)(fault.latencyMs, signal)) return;
        if (status !== 200) return (0, _httpio.sendJson)(res, status, fault.errorBody ?? (0, _openaierror.injectedError)(status), completion.headers);
        if (decision.stream) return (0, _chatcompletionresponder.streamCompletion)(res, completion, fault, signal);
        (0, _chatcompletionresponder.sendCompletion)(res, completion);
    }
    // Checked in the order a real provider would: auth, body, fault header, model; a fault
    // applies only to a request that would otherwise succeed.
    decide(req, body, notJson) {
        const authError = this.checkAuth(req);
        if (authError) return {
            kind: 'reject',
            status: 401,
            body: authError
        };
        if (notJson) {
            return {
                kind: 'reject',
                status: 400,
                body: (0, _openaierror.openAiError)('We could not parse the JSON body of your request. (shoal-mock-provider expects a JSON object.)', 'invalid_request_error')
            };
        }
        const parsed = _chatrequest.chatRequestSchema.safeParse(body);
        if (!parsed.success) {
            const problem = (0, _chatrequest.describeProblem)(parsed.error, body);
            return {
                kind: 'reject',
                status: 400,
                body: (0, _openaierror.openAiError)(problem.message, 'invalid_request_error', problem.param, problem.code)
            };
        }
        const request = parsed.data;
        const header = req.headers[_faultspec.FAULT_HEADER];
        const requestFault = typeof header === 'string' ? (0, _faultspec.parseFaultHeader)(header) : undefined;
        if (typeof requestFault === 'string') return {
            kind: 'reject',
            status: 400,
            body: (0, _openaierror.openAiError)(requestFault, 'invalid_request_error', null, 'invalid_mock_fault')
        };
        if (!this.models.includes(request.model)) return {
            kind: 'reject',
            status: 404,
            body: this.unknownModel(request.model)
        };
        const completion = {
            id: `chatcmpl-${(0, _nodecrypto.randomBytes)(12).toString('hex')}`,
            created: Math.floor(Date.now() / 1000),
            model: request.model,
            usage: (0, _mockanswer.mockUsageFor)(request.messages, request.max_completion_tokens ?? request.max_tokens ?? undefined),
            includeUsage: request.stream_options?.include_usage === true,
            headers: {
                'x-request-id': `req_${(0, _nodecrypto.randomBytes)(12).toString('hex')}`
            }
        };
        return {
            kind: 'answer',
            completion,
            stream: request.stream === true,
            fault: this.faultFor(request.model, requestFault)
        };
    }
    // A request's own fault header replaces the server's fault for that request (which is then
    // neither applied nor consumed).
    faultFor(model, requestFault) {
        if (requestFault) return (0, _faultspec.faultApplies)(requestFault, model) ? requestFault : {};
        const fault = this.fault;
        if (!fault || !(0, _faultspec.faultApplies)(fault, model)) return {};
        if (this.remaining !== undefined && --this.remaining <= 0) this.setFaults(undefined);
        return fault;
    }
    checkAuth(req) {
        if (this.apiKey === undefined) return undefined;
        const auth = req.headers.authorization;
        if (!auth) return (0, _openaierror.openAiError)("You didn't provide an API key. shoal-mock-provider expects 'Authorization: Bearer <key>'.", 'invalid_request_error');
        const [scheme, key] = auth.split(' ', 2);
        if (scheme.toLowerCase() === 'bearer' && key === this.apiKey) return undefined;
        return (0, _openaierror.openAiError)('Incorrect API key provided to shoal-mock-provider.', 'invalid_request_error', null, 'invalid_api_key');
    }
    modelEntry(id) {
        return {
            id,
            object: 'model',
            created: this.created,
            owned_by: MOCK_OWNER
        };
    }
    unknownModel(model) {
        return (0, _openaierror.openAiError)(`The model '${model}' does not exist on shoal-mock-provider (serving: ${this.models.join(', ')}).`, 'invalid_request_error', 'model', 'model_not_found');
    }
};
async function startMockProvider(opts = {}) {
    const host = opts.host ?? '127.0.0.1';
    const mock = new MockProviderServer(opts.apiKey, [
        ...opts.models ?? [
            'mock-chat'
        ]
    ], opts.faults, opts.callLogLimit);
    const { server } = mock;
    await new Promise((resolve, reject)=>{
        server.once('error', reject);
        server.listen(opts.port ?? 0, host, ()=>{
            server.off('error', reject);
            resolve();
        });
    });
    const port = server.address().port;
    // A wildcard bind is reachable on loopback; the URL must name an address a client can dial.
    const dialHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return {
        url: `http://${dialHost}:${port}/v1`,
        port,
        calls: ()=>mock.calls(),
        callLog: ()=>mock.callLog(),
        reset: ()=>mock.reset(),
        setFaults: (faults)=>mock.setFaults(faults),
        close: ()=>new Promise((resolve, reject)=>{
                server.close((err)=>err ? reject(err) : resolve());
                // Stalled streams and keep-alive sockets would otherwise hold close() open.
                server.closeAllConnections();
            })
    };
}

//# sourceMappingURL=mock-provider.server.js.map