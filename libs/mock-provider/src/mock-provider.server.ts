// A mock OpenAI-compatible provider: a real HTTP server (node:http) speaking the Chat
// Completions API with deterministic answers and switchable faults. A test and demo tool.
import { MOCK_DOCUMENTS } from './mock-documents';
import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { chatRequestSchema, describeProblem } from './chat-request';
import { Completion, sendCompletion, streamCompletion } from './chat-completion.responder';
import { FAULT_HEADER, faultApplies, FaultSpec, parseFaultHeader, validateFaultSpec } from './fault-spec';
import { BodyTooLargeError, flatHeaders, pause, readBody, sendJson } from './http-io';
import { mockLastUserMessage, mockUsageFor } from './mock-answer';
import { deepseekRefusal, deepseekShape, isDeepseekModel } from './deepseek.behaviour';
import { embeddingsAnswer, embeddingsRequestSchema } from './embeddings.responder';
import { injectedError, openAiError, OpenAiErrorBody } from './openai-error';

export interface MockProviderOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Model ids served; default ['mock-chat']. */
  models?: string[];
  /** Server-level faults from the start (see setFaults). */
  faults?: FaultSpec;
  /** The most recent calls kept in the call log (default 1000); `calls()` still counts them all. */
  callLogLimit?: number;
}

/**
 * A scripted answer, asked per call: `question` is the call's last user message, `take` how many
 * calls with that question came before this one plus 1 (1 for the first). Returning undefined keeps
 * the deterministic answer. A real provider answers a repeated question otherwise; this lets a test
 * say how (usage is counted on the scripted answer).
 */
export type MockAnswerScript = (call: { question: string; take: number }) => string | undefined;

/** Questions whose takes a script counts at once; the oldest is forgotten past it. */
const SCRIPT_QUESTIONS_LIMIT = 10_000;

export interface MockCall {
  /** Date.now() when the request arrived. */
  at: number;
  model: string;
  stream: boolean;
  /** The HTTP status answered (200 for a stream, even one the fault cut). */
  status: number;
  /** Request headers, names lower-cased. */
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
}

export interface MockProvider {
  /** The OpenAI `baseURL`, e.g. http://127.0.0.1:PORT/v1. */
  url: string;
  port: number;
  /** Chat completion requests received, faulted and rejected ones included. */
  calls(): number;
  /** The most recent calls, oldest first (at most `callLogLimit`). */
  callLog(): ReadonlyArray<MockCall>;
  /** Clears the call log, the server-level faults and the answer script. */
  reset(): void;
  setFaults(faults: FaultSpec | undefined): void;
  /** Answers by `script` from now on (undefined: the deterministic answers again); takes count from here. */
  setAnswers(script: MockAnswerScript | undefined): void;
  close(): Promise<void>;
}

export const MOCK_OWNER = 'shoal-mock-provider';
const BODY_LIMIT_BYTES = 10 * 1024 * 1024;
const CHAT_PATHS = ['/v1/chat/completions', '/chat/completions', '/beta/chat/completions'];

type Decision =
  { kind: 'reject'; status: number; body: OpenAiErrorBody } | { kind: 'answer'; completion: Completion; stream: boolean; fault: FaultSpec };

export class MockProviderServer {
  readonly server: Server;
  /** The request handler, for serving without a socket (see mock-provider.in-process.ts). */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  private readonly log: MockCall[] = [];
  /** where the oldest call is in `log` once it is full */
  private oldest = 0;
  private total = 0;
  private fault: FaultSpec | undefined;
  private remaining: number | undefined;
  /** matching requests seen under the current server fault, for its `share` */
  private seen = 0;
  private script: MockAnswerScript | undefined;
  private readonly takes = new Map<string, number>();
  private readonly created = Math.floor(Date.now() / 1000);
  // ids shaped like a provider's (24 hex digits): random per server, then counted, not drawn from the
  // CSPRNG for each answer (two draws an answer were an eighth of the mock's CPU under load)
  private readonly idPrefix = randomBytes(6).toString('hex');
  private ids = 0;

  constructor(
    private readonly apiKey: string | undefined,
    private readonly models: ReadonlyArray<string>,
    faults: FaultSpec | undefined,
    private readonly logLimit = 1000,
  ) {
    this.setFaults(faults);
    this.listener = (req, res) => {
      const aborted = new AbortController();
      // the client went away before the answer was complete (an abort makes an exception object: not
      // for every answer that finished)
      res.on('close', () => res.writableFinished || aborted.abort());
      this.route(req, res, aborted.signal).catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        sendJson(res, 500, openAiError(`shoal-mock-provider failed: ${err instanceof Error ? err.message : String(err)}`, 'server_error'));
      });
    };
    this.server = createServer(this.listener);
  }

  private nextId(): string {
    return `${this.idPrefix}${(++this.ids).toString(16).padStart(12, '0')}`;
  }

  calls(): number {
    return this.total;
  }

  // a long-lived mock (standalone mode's mock-chat) must not keep every request it ever saw
  // a ring once full: the oldest call is overwritten, not shifted out of a thousand-long array on every call
  private record(call: MockCall): void {
    this.total++;
    if (this.log.length < this.logLimit) this.log.push(call);
    else if (this.logLimit > 0) {
      this.log[this.oldest] = call;
      this.oldest = (this.oldest + 1) % this.logLimit;
    }
  }

  callLog(): ReadonlyArray<MockCall> {
    return [...this.log.slice(this.oldest), ...this.log.slice(0, this.oldest)].map((call) => Object.freeze({ ...call }));
  }

  reset(): void {
    this.log.length = 0;
    this.oldest = 0;
    this.total = 0;
    this.setFaults(undefined);
    this.setAnswers(undefined);
  }

  setAnswers(script: MockAnswerScript | undefined): void {
    this.script = script;
    this.takes.clear();
  }

  private scripted(question: string): string | undefined {
    if (!this.script) return undefined;
    const take = (this.takes.get(question) ?? 0) + 1;
    this.takes.delete(question);
    this.takes.set(question, take);
    if (this.takes.size > SCRIPT_QUESTIONS_LIMIT) this.takes.delete(this.takes.keys().next().value as string);
    return this.script({ question, take });
  }

  setFaults(faults: FaultSpec | undefined): void {
    this.fault = faults && validateFaultSpec(faults, 'mock provider faults');
    this.remaining = this.fault?.times;
    this.seen = 0;
  }

  private async route(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://mock').pathname;
    if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { status: 'ok', service: MOCK_OWNER });
    // `/beta` is DeepSeek's base URL for strict tool schemas; `/chat/completions` its bare one
    if (req.method === 'POST' && CHAT_PATHS.includes(path)) return this.chat(req, res, signal, path.startsWith('/beta/'));
    if (req.method === 'POST' && path === '/v1/embeddings') return this.embeddings(req, res, signal);
    if (req.method === 'GET' && path.startsWith('/v1/files/'))
      return sendDocument(res, decodeURIComponent(path.slice('/v1/files/'.length)));
    const authError = this.checkAuth(req);
    if (authError) return sendJson(res, 401, authError);
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, { object: 'list', data: this.models.map((id) => this.modelEntry(id)) });
    }
    const modelId =
      req.method === 'GET' && path.startsWith('/v1/models/') ? decodeURIComponent(path.slice('/v1/models/'.length)) : undefined;
    if (modelId !== undefined && this.models.includes(modelId)) return sendJson(res, 200, this.modelEntry(modelId));
    if (modelId !== undefined) return sendJson(res, 404, this.unknownModel(modelId));
    sendJson(
      res,
      404,
      openAiError(`Invalid URL (${req.method} ${path}) on shoal-mock-provider`, 'invalid_request_error', null, 'not_found'),
    );
  }

  private async chat(req: IncomingMessage, res: ServerResponse, signal: AbortSignal, beta = false): Promise<void> {
    const at = Date.now();
    const headers = flatHeaders(req);
    let raw: string;
    try {
      raw = await readBody(req, BODY_LIMIT_BYTES);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      this.record({ at, model: '', stream: false, status: 413, headers, body: '' });
      return sendJson(res, 413, openAiError('Request body too large for shoal-mock-provider', 'invalid_request_error'), {
        Connection: 'close',
      });
    }
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // Kept as text: the log shows what was sent, and decide() answers 400.
    }
    const decision = this.decide(req, body, typeof body === 'string', beta);
    const fields = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const status = decision.kind === 'reject' ? decision.status : (decision.fault.status ?? (decision.fault.errorBody ? 500 : 200));
    this.record({ at, model: typeof fields.model === 'string' ? fields.model : '', stream: fields.stream === true, status, headers, body });
    if (decision.kind === 'reject') return sendJson(res, decision.status, decision.body);

    const { fault, completion } = decision;
    if (fault.retryAfter !== undefined) completion.headers['Retry-After'] = String(fault.retryAfter);
    if (!(await pause(fault.latencyMs, signal))) return;
    if (status !== 200) return sendJson(res, status, fault.errorBody ?? injectedError(status), completion.headers);
    if (decision.stream) return streamCompletion(res, completion, fault, signal);
    return sendCompletion(res, completion, fault, signal);
  }

  // the same checks and faults as a chat call (auth, body, fault header, model), with its own shapes
  private async embeddings(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const at = Date.now();
    const headers = flatHeaders(req);
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, BODY_LIMIT_BYTES));
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendJson(res, 413, openAiError('Request body too large', 'invalid_request_error'));
      body = undefined;
    }
    const answer = ((): { status: number; body: unknown; fault: FaultSpec } => {
      const authError = this.checkAuth(req);
      if (authError) return { status: 401, body: authError, fault: {} };
      const parsed = embeddingsRequestSchema.safeParse(body);
      if (!parsed.success) {
        const problem = describeProblem(parsed.error, body);
        return { status: 400, body: openAiError(problem.message, 'invalid_request_error', problem.param, problem.code), fault: {} };
      }
      if (!this.models.includes(parsed.data.model)) return { status: 404, body: this.unknownModel(parsed.data.model), fault: {} };
      const header = req.headers[FAULT_HEADER];
      const requestFault = typeof header === 'string' ? parseFaultHeader(header) : undefined;
      if (typeof requestFault === 'string') return { status: 400, body: openAiError(requestFault, 'invalid_request_error'), fault: {} };
      const fault = this.faultFor(parsed.data.model, requestFault);
      const status = fault.status ?? (fault.errorBody ? 500 : 200);
      return { status, body: status === 200 ? embeddingsAnswer(parsed.data) : (fault.errorBody ?? injectedError(status)), fault };
    })();
    const model = body !== null && typeof body === 'object' ? (body as { model?: unknown }).model : undefined;
    this.record({ at, model: typeof model === 'string' ? model : '', stream: false, status: answer.status, headers, body });
    if (!(await pause(answer.fault.latencyMs, signal))) return;
    const retryAfter = answer.fault.retryAfter;
    sendJson(res, answer.status, answer.body, retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {});
  }

  // Checked in the order a real provider would: auth, body, fault header, model; a fault
  // applies only to a request that would otherwise succeed.
  private decide(req: IncomingMessage, body: unknown, notJson: boolean, beta: boolean): Decision {
    const authError = this.checkAuth(req);
    if (authError) return { kind: 'reject', status: 401, body: authError };
    if (notJson) {
      return {
        kind: 'reject',
        status: 400,
        body: openAiError(
          'We could not parse the JSON body of your request. (shoal-mock-provider expects a JSON object.)',
          'invalid_request_error',
        ),
      };
    }
    const parsed = chatRequestSchema.safeParse(body);
    if (!parsed.success) {
      const problem = describeProblem(parsed.error, body);
      return { kind: 'reject', status: 400, body: openAiError(problem.message, 'invalid_request_error', problem.param, problem.code) };
    }
    const request = parsed.data;
    const header = req.headers[FAULT_HEADER];
    const requestFault = typeof header === 'string' ? parseFaultHeader(header) : undefined;
    if (typeof requestFault === 'string')
      return { kind: 'reject', status: 400, body: openAiError(requestFault, 'invalid_request_error', null, 'invalid_mock_fault') };
    const deepseek = isDeepseekModel(request.model);
    const refusal = deepseek ? deepseekRefusal(request, beta) : undefined;
    if (refusal) return { kind: 'reject', ...refusal };
    if (!this.models.includes(request.model)) return { kind: 'reject', status: 404, body: this.unknownModel(request.model) };

    const fault = this.faultFor(request.model, requestFault);
    const usage = mockUsageFor(
      request.messages,
      request.max_completion_tokens ?? request.max_tokens ?? undefined,
      this.scripted(mockLastUserMessage(request.messages)),
    );
    const blank = blankAnswerOf(fault);
    const shape = deepseek ? deepseekShape(request, usage, blank) : undefined;
    const completion: Completion = {
      id: `chatcmpl-${this.nextId()}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      usage:
        shape?.usage ??
        (blank !== undefined ? { ...usage, answer: blank, completion_tokens: 0, total_tokens: usage.prompt_tokens } : usage),
      includeUsage: request.stream_options?.include_usage === true,
      headers: { 'x-request-id': `req_${this.nextId()}` },
      ...(shape ? { reasoning: shape.reasoning, cacheHitTokens: shape.cacheHitTokens } : {}),
    };
    return { kind: 'answer', completion, stream: request.stream === true, fault };
  }

  // A request's own fault header replaces the server's fault for that request (which is then
  // neither applied nor consumed).
  private faultFor(model: string, requestFault: FaultSpec | undefined): FaultSpec {
    if (requestFault) return faultApplies(requestFault, model) ? requestFault : {};
    const fault = this.fault;
    if (!fault || !faultApplies(fault, model)) return {};
    if (fault.share !== undefined) {
      // evenly spread: the fault falls on request n when floor(n·share) steps up
      const n = this.seen++;
      if (Math.floor((n + 1) * fault.share) === Math.floor(n * fault.share)) return {};
    }
    if (this.remaining !== undefined && --this.remaining <= 0) this.setFaults(undefined);
    return fault;
  }

  private checkAuth(req: IncomingMessage): OpenAiErrorBody | undefined {
    if (this.apiKey === undefined) return undefined;
    const auth = req.headers.authorization;
    if (!auth)
      return openAiError(
        "You didn't provide an API key. shoal-mock-provider expects 'Authorization: Bearer <key>'.",
        'invalid_request_error',
      );
    const [scheme, key] = auth.split(' ', 2);
    if (scheme.toLowerCase() === 'bearer' && key === this.apiKey) return undefined;
    return openAiError('Incorrect API key provided to shoal-mock-provider.', 'invalid_request_error', null, 'invalid_api_key');
  }

  private modelEntry(id: string) {
    return { id, object: 'model', created: this.created, owned_by: MOCK_OWNER };
  }

  private unknownModel(model: string): OpenAiErrorBody {
    return openAiError(
      `The model '${model}' does not exist on shoal-mock-provider (serving: ${this.models.join(', ')}).`,
      'invalid_request_error',
      'model',
      'model_not_found',
    );
  }
}

/** Starts the mock provider; resolves once it is listening. Always `close()` it. */
export async function startMockProvider(opts: MockProviderOptions = {}): Promise<MockProvider> {
  const host = opts.host ?? '127.0.0.1';
  const mock = new MockProviderServer(opts.apiKey, [...(opts.models ?? ['mock-chat'])], opts.faults, opts.callLogLimit);
  const { server } = mock;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  // A wildcard bind is reachable on loopback; the URL must name an address a client can dial.
  const dialHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${dialHost}:${port}/v1`,
    port,
    calls: () => mock.calls(),
    callLog: () => mock.callLog(),
    reset: () => mock.reset(),
    setFaults: (faults) => mock.setFaults(faults),
    setAnswers: (script) => mock.setAnswers(script),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Stalled streams and keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** The content of a blank answer the fault asks for (`true`: empty), or undefined for a normal answer. */
function blankAnswerOf(fault: FaultSpec): string | undefined {
  if (typeof fault.blankAnswer === 'string') return fault.blankAnswer;
  return fault.blankAnswer ? '' : undefined;
}

/** One of MOCK_DOCUMENTS as an attachment, or 404. */
function sendDocument(res: ServerResponse, name: string): void {
  const doc = Object.hasOwn(MOCK_DOCUMENTS, name) ? MOCK_DOCUMENTS[name] : undefined;
  if (!doc)
    return sendJson(res, 404, openAiError(`No document ${name} on shoal-mock-provider`, 'invalid_request_error', null, 'not_found'));
  res.writeHead(200, {
    'content-type': doc.contentType,
    'content-length': doc.body.length,
    'content-disposition': `attachment; filename="${name}"`,
  });
  res.end(doc.body);
}
