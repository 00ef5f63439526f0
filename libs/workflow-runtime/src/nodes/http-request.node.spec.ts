import { executeRun, type HttpFetcher, type HttpFetchRequest, type HttpFetchResponse } from '../index';
import { fakePorts, graph } from '../fake-ports.spec-helper';
import { parseKeyValueLines } from './http-request.builder';
import { contentDisposition, isFileResponse } from './http-response';

/** Records each request and answers with `answer` (a JSON echo of the request by default). */
class FakeHttp implements HttpFetcher {
  readonly requests: HttpFetchRequest[] = [];
  limits?: HttpFetcher['limits'];
  answer: (req: HttpFetchRequest) => Partial<HttpFetchResponse> | Promise<Partial<HttpFetchResponse>> = () => ({});

  async fetch(req: HttpFetchRequest): Promise<HttpFetchResponse> {
    this.requests.push(req);
    const a = await this.answer(req);
    return {
      status: 200,
      headers: [['content-type', 'application/json']],
      body: new TextEncoder().encode('{"ok":true}'),
      url: req.url,
      ...a,
    };
  }
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b ? Buffer.from(b).toString() : null);

function flow(http: Record<string, unknown>, env: Array<Record<string, unknown>> = []) {
  return graph({
    nodes: [
      {
        id: 'start',
        data: {
          type: 'start',
          variables: [
            { variable: 'q', type: 'text-input', required: false },
            { variable: 'doc', type: 'file', required: false },
          ],
        },
      },
      { id: 'http', data: { type: 'http-request', method: 'get', url: 'https://api.example.com/x', headers: '', params: '', ...http } },
      {
        id: 'end',
        data: {
          type: 'end',
          outputs: [
            { variable: 'status', value_selector: ['http', 'status_code'] },
            { variable: 'body', value_selector: ['http', 'body'] },
            { variable: 'headers', value_selector: ['http', 'headers'] },
            { variable: 'files', value_selector: ['http', 'files'] },
          ],
        },
      },
    ],
    edges: [
      { source: 'start', target: 'http' },
      { source: 'http', target: 'end' },
    ],
    environment_variables: env,
  });
}

async function run(
  http: Record<string, unknown>,
  fetcher: FakeHttp,
  inputs: Record<string, unknown> = {},
  env: Array<Record<string, unknown>> = [],
) {
  const ports = fakePorts();
  const outcome = await executeRun({
    runId: 'run_1',
    workflowId: 'wf_1',
    workflowVersionId: 'wfv_1',
    graph: flow(http, env),
    inputs,
    finished: [],
    ports: { ...ports, http: fetcher, sleeper: { sleep: async () => undefined } },
  });
  const node = ports.checkpoints.finished.filter((f) => f.nodeId === 'http').at(-1);
  return { outcome, node, events: ports.events };
}

describe('http-request node', () => {
  it('renders url, params and headers from the pool, and outputs status_code, body, headers, files', async () => {
    const http = new FakeHttp();
    http.answer = () => ({
      status: 201,
      headers: [
        ['Content-Type', 'application/json'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ],
    });
    const { outcome, node } = await run(
      {
        method: 'GET',
        url: 'https://api.example.com/items?fixed=1',
        params: 'q: {{#start.q#}}\nempty\n\n tag : a:b ',
        headers: 'X-Query: {{#start.q#}}\nAccept:application/json',
      },
      http,
      { q: 'hello world' },
    );
    expect(http.requests[0]).toMatchObject({
      method: 'GET',
      url: 'https://api.example.com/items?fixed=1&q=hello+world&empty=&tag=a%3Ab',
      headers: [
        ['X-Query', 'hello world'],
        ['Accept', 'application/json'],
      ],
      body: null,
      timeouts: { connectMs: 10_000, readMs: 600_000, writeMs: 600_000 },
      maxResponseBytes: 10 * 1024 * 1024,
      sslVerify: true,
    });
    expect(outcome).toMatchObject({
      status: 'succeeded',
      outputs: { status: 201, body: '{"ok":true}', headers: { 'content-type': 'application/json', 'set-cookie': 'a=1, b=2' }, files: [] },
    });
    expect(node?.processData).toEqual({
      request:
        'GET /items?fixed=1&q=hello+world&empty=&tag=a%3Ab HTTP/1.1\r\nHost: api.example.com\r\nX-Query: hello world\r\nAccept: application/json\r\n\r\n',
    });
  });

  it.each([
    ['bearer', '', 'sk-123', 'Authorization', 'Bearer sk-123'],
    ['basic', '', 'user:pass', 'Authorization', `Basic ${Buffer.from('user:pass').toString('base64')}`],
    ['basic', '', 'dXNlcjpwYXNz', 'Authorization', 'Basic dXNlcjpwYXNz'],
    ['custom', 'X-Api-Key', 'k-456', 'X-Api-Key', 'k-456'],
  ])('sends %s api-key auth, and masks it in process_data', async (type, header, key, name, value) => {
    const http = new FakeHttp();
    const { node } = await run(
      { authorization: { type: 'api-key', config: { type, api_key: key, header } }, headers: 'authorization: old' },
      http,
    );
    expect(http.requests[0].headers).toContainEqual([name, value]);
    expect(http.requests[0].headers.filter(([k]) => k.toLowerCase() === name.toLowerCase())).toHaveLength(1);
    const log = String(node?.processData?.request);
    expect(log).toContain(`${name}: ${'*'.repeat(value.length)}`);
    expect(log).not.toContain(key);
  });

  it('keeps an env secret used as the API key out of inputs, process_data and events', async () => {
    const http = new FakeHttp();
    const { node, events } = await run(
      {
        authorization: { type: 'api-key', config: { type: 'custom', header: 'X-Key', api_key: '{{#env.KEY#}}' } },
        headers: 'X-Echo: {{#env.KEY#}}',
      },
      http,
      {},
      [{ name: 'KEY', value_type: 'secret', value: 'super-secret-key-1' }],
    );
    expect(http.requests[0].headers).toContainEqual(['X-Key', 'super-secret-key-1']);
    expect(JSON.stringify(node)).not.toContain('super-secret-key-1');
    expect(JSON.stringify(events.events)).not.toContain('super-secret-key-1');
  });

  it('fails naming an empty API key', async () => {
    const { outcome } = await run(
      { authorization: { type: 'api-key', config: { type: 'bearer', api_key: '{{#start.q#}}' } } },
      new FakeHttp(),
      { q: '' },
    );
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('API key is required') });
  });

  it.each([
    ['json', [{ type: 'text', value: '{"q": "{{#start.q#}}", "n": 1}' }], 'application/json', '{"q":"hi","n":1}'],
    ['raw-text', [{ type: 'text', value: 'say {{#start.q#}}' }], 'text/plain', 'say hi'],
    [
      'x-www-form-urlencoded',
      [
        { key: 'a', type: 'text', value: '{{#start.q#}}' },
        { key: 'b c', type: 'text', value: '1&2' },
      ],
      'application/x-www-form-urlencoded',
      'a=hi&b+c=1%262',
    ],
    ['none', [], null, null],
  ])('sends a %s body with its content type', async (type, data, contentType, body) => {
    const http = new FakeHttp();
    await run({ method: 'post', body: { type, data } }, http, { q: 'hi' });
    expect(text(http.requests[0].body)).toBe(body);
    expect(http.requests[0].headers.find(([k]) => k === 'Content-Type')?.[1] ?? null).toBe(contentType);
  });

  it("keeps the node's own content type, and reads Dify's old string body", async () => {
    const http = new FakeHttp();
    await run(
      { method: 'post', headers: 'content-type: application/vnd.api+json', body: { type: 'raw-text', data: 'plain {{#start.q#}}' } },
      http,
      { q: 'x' },
    );
    expect(http.requests[0].headers).toEqual([['content-type', 'application/vnd.api+json']]);
    expect(text(http.requests[0].body)).toBe('plain x');
  });

  it('fails a JSON body that does not parse, naming it', async () => {
    const { outcome } = await run({ method: 'post', body: { type: 'json', data: [{ type: 'text', value: '{"a": ' }] } }, new FakeHttp());
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('Failed to parse JSON') });
  });

  it('sends form-data with text fields and files fetched through the same fetcher', async () => {
    const http = new FakeHttp();
    http.answer = (req) =>
      req.url === 'https://files.example.com/a.txt' ? { body: bytes('file-bytes'), headers: [['content-type', 'text/plain']] } : {};
    const { outcome, node } = await run(
      {
        method: 'post',
        body: {
          type: 'form-data',
          data: [
            { key: 'note', type: 'text', value: '{{#start.q#}}' },
            { key: 'upload', type: 'file', file: ['start', 'doc'] },
          ],
        },
      },
      http,
      { q: 'hello', doc: { type: 'document', transfer_method: 'remote_url', url: 'https://files.example.com/a.txt' } },
    );
    expect(outcome.status).toBe('succeeded');
    expect(http.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET https://files.example.com/a.txt',
      'POST https://api.example.com/x',
    ]);
    const sent = http.requests[1];
    const type = sent.headers.find(([k]) => k === 'Content-Type')?.[1] ?? '';
    const boundary = /boundary=(.+)$/.exec(type)?.[1];
    expect(boundary).toBeTruthy();
    const body = text(sent.body);
    expect(body).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n`);
    expect(body).toContain(`name="upload"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nfile-bytes\r\n--${boundary}--\r\n`);
    expect(String(node?.processData?.request)).toContain("<file_content_binary: 'a.txt', type='text/plain', size=10 bytes>");
  });

  it('sends a binary body from a file variable', async () => {
    const http = new FakeHttp();
    http.answer = (req) => (req.method === 'GET' ? { body: new Uint8Array([0, 1, 2, 255]) } : {});
    await run({ method: 'put', body: { type: 'binary', data: [{ type: 'file', file: ['start', 'doc'] }] } }, http, {
      doc: { transfer_method: 'remote_url', url: 'https://files.example.com/b.bin' },
    });
    expect([...(http.requests[1].body ?? [])]).toEqual([0, 1, 2, 255]);
  });

  it('reports a non-2xx status as an output, without failing (no error_strategy, no retries)', async () => {
    const http = new FakeHttp();
    http.answer = () => ({ status: 404, headers: [['content-type', 'text/plain']], body: bytes('not here') });
    const { outcome } = await run({}, http);
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { status: 404, body: 'not here' } });
  });

  it('fails a non-2xx status when the node has an error_strategy (HTTPResponseCodeError) or retries', async () => {
    const http = new FakeHttp();
    http.answer = () => ({ status: 500, body: bytes('boom') });
    const handled = await run(
      { error_strategy: 'default-value', default_value: [{ key: 'body', type: 'string', value: 'fallback' }] },
      http,
    );
    expect(handled.outcome).toMatchObject({ status: 'partial-succeeded', outputs: { body: 'fallback' } });
    expect(handled.node?.outputs).toMatchObject({
      error_type: 'HTTPResponseCodeError',
      error_message: 'Request failed with status code 500',
    });
    const retried = new FakeHttp();
    let n = 0;
    retried.answer = () => ({ status: n++ === 0 ? 503 : 200 });
    const ok = await run({ retry_config: { retry_enabled: true, max_retries: 2, retry_interval: 0 } }, retried);
    expect(ok.outcome).toMatchObject({ status: 'succeeded', outputs: { status: 200 } });
    expect(retried.requests).toHaveLength(2);
  });

  it("makes the fetcher's refusal the node's error", async () => {
    const http = new FakeHttp();
    http.answer = () => Promise.reject(new Error('Refused to connect to 127.0.0.1: it is a loopback address'));
    const { outcome, node } = await run({ url: 'http://127.0.0.1/' }, http);
    expect(outcome).toMatchObject({
      status: 'failed',
      error: 'Node http (http) failed: Refused to connect to 127.0.0.1: it is a loopback address',
    });
    expect(node?.error).toBe('Refused to connect to 127.0.0.1: it is a loopback address');
  });

  it('caps timeouts at the limits and uses them when the node sets none', async () => {
    const http = new FakeHttp();
    http.limits = { maxConnectTimeout: 5, maxReadTimeout: 30, maxWriteTimeout: 20 };
    await run({ timeout: { connect: 60, read: 3, max_read_timeout: 600 } }, http);
    expect(http.requests[0].timeouts).toEqual({ connectMs: 5000, readMs: 3000, writeMs: 20_000 });
  });

  it('fails a text response above the text cap, and a file response above the file cap', async () => {
    const http = new FakeHttp();
    http.limits = { maxTextBytes: 10, maxBinaryBytes: 20 };
    http.answer = () => ({ headers: [['content-type', 'text/plain']], body: bytes('x'.repeat(11)) });
    expect((await run({}, http)).outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('Text size is too large') });
    expect(http.requests[0].maxResponseBytes).toBe(20);
    http.answer = () => ({ headers: [['content-type', 'image/png']], body: new Uint8Array(15) });
    expect((await run({}, http)).outcome.status).toBe('succeeded');
    http.answer = () => ({ headers: [['content-type', 'image/png']], body: new Uint8Array(21) });
    expect((await run({}, http)).outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('File size is too large') });
  });

  it('outputs a file response as files, with an empty body', async () => {
    const http = new FakeHttp();
    http.answer = () => ({
      headers: [
        ['content-type', 'application/pdf'],
        ['content-disposition', 'attachment; filename="report.pdf"'],
      ],
      body: new Uint8Array([37, 80, 68, 70]),
      url: 'https://api.example.com/dl?id=1',
    });
    const { outcome } = await run({}, http);
    expect(outcome.outputs).toMatchObject({
      body: '',
      files: [
        {
          type: 'document',
          transfer_method: 'remote_url',
          filename: 'report.pdf',
          extension: '.pdf',
          mime_type: 'application/pdf',
          size: 4,
        },
      ],
    });
  });

  it.each([
    ['header injection', { headers: 'X-A: {{#start.q#}}' }, { q: 'a\r\nX-Evil: 1' }, 'line break'],
    ['a non-http url', { url: 'file:///etc/passwd' }, {}, 'should start with http:// or https://'],
    ['an empty url', { url: '{{#start.q#}}' }, { q: '' }, 'url is required'],
    ['a bad header name', { headers: 'Bad Name: 1' }, {}, 'not a valid HTTP header name'],
    ['too many headers', { headers: Array.from({ length: 101 }, (_, i) => `h${i}: v`).join('\n') }, {}, 'more than 100 headers'],
    ['an over-long url', { url: 'https://a.example/{{#start.q#}}' }, { q: 'x'.repeat(9000) }, 'longer than 8192'],
  ])('refuses %s before sending anything', async (_what, http, inputs, message) => {
    const fetcher = new FakeHttp();
    const { outcome } = await run(http, fetcher, inputs);
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringContaining(message) });
    expect(fetcher.requests).toHaveLength(0);
  });

  it('fails clearly when the run has no fetcher', async () => {
    const ports = fakePorts();
    const outcome = await executeRun({
      runId: 'r',
      workflowId: 'w',
      workflowVersionId: 'v',
      graph: flow({}),
      inputs: {},
      finished: [],
      ports,
    });
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('no HTTP fetcher is configured') });
  });
});

describe('http-request helpers', () => {
  it("parses Dify's key: value lines", () => {
    expect(parseKeyValueLines('a:1\n b : 2 \nc\n\n:x\r\nd: e:f')).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', ''],
      ['d', 'e:f'],
    ]);
  });

  it.each([
    [{ 'content-type': 'application/json' }, '{}', false],
    [{ 'content-type': 'text/html' }, '<p>', false],
    [{ 'content-type': 'text/csv' }, 'a,b', false],
    [{ 'content-type': 'application/octet-stream' }, '\u0000\u0001', true],
    [{ 'content-type': 'application/octet-stream' }, '{"looks": "like json"}', false],
    [{ 'content-type': 'image/png' }, 'PNG', true],
    [{ 'content-type': 'text/plain', 'content-disposition': 'attachment; filename=a.txt' }, 'x', true],
    [{ 'content-type': 'application/x-unknown' }, '\u0000', false],
    [{}, 'x', false],
  ])('reads %j as a file: %s', (headers, body, file) => {
    expect(isFileResponse(headers, new TextEncoder().encode(body))).toBe(file);
  });

  it('reads Content-Disposition filenames, the extended form first', () => {
    expect(contentDisposition(`attachment; filename="a b.txt"; filename*=UTF-8''%C3%A9t%C3%A9.txt`)).toEqual({
      attachment: true,
      filename: 'été.txt',
    });
    expect(contentDisposition('inline; filename=x.pdf')).toEqual({ attachment: false, filename: 'x.pdf' });
    expect(contentDisposition(undefined)).toEqual({ attachment: false, filename: null });
  });
});
