import { stringify } from 'yaml';
import { importDifyDsl, parseWorkflowGraph, type HttpRequestNodeData } from '../index';
import { basicDoc, difyEdge, difyNode } from '../dify/dify-dsl.spec-helper';

const start = {
  id: 'start',
  data: {
    type: 'start',
    variables: [
      { variable: 'q', type: 'text-input' },
      { variable: 'doc', type: 'file' },
    ],
  },
};
const end = { id: 'end', data: { type: 'end', outputs: [{ variable: 'code', value_selector: ['api', 'status_code'] }] } };

/** An http-request node as Dify 1.x writes it. */
function difyHttpData(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'http-request',
    title: 'HTTP Request',
    desc: '',
    variables: [],
    method: 'post',
    url: 'https://api.example.com/items/{{#start.q#}}',
    authorization: { type: 'api-key', config: { type: 'bearer', api_key: 'sk-abc', header: '' } },
    headers: 'X-Trace:{{#start.q#}}',
    params: 'page:1',
    body: { type: 'json', data: [{ id: 'key-value-1', key: '', type: 'text', value: '{"q": "{{#start.q#}}"}' }] },
    timeout: { max_connect_timeout: 0, max_read_timeout: 0, max_write_timeout: 0, connect: 5 },
    ssl_verify: true,
    retry_config: { retry_enabled: true, max_retries: 3, retry_interval: 100 },
    selected: false,
    ...over,
  };
}

function parse(data: Record<string, unknown>) {
  return parseWorkflowGraph({
    nodes: [start, { id: 'api', data }, end],
    edges: [
      { source: 'start', target: 'api' },
      { source: 'api', target: 'end' },
    ],
  });
}

const issuesOf = (data: Record<string, unknown>) => {
  const r = parse(data);
  return r.ok ? [] : r.issues.map((i) => [i.path, i.code, i.nodeId]);
};

describe('http-request node definition', () => {
  it("reads Dify's node data: method, auth, header and param lines, body items, timeouts, retries", () => {
    const r = parse(difyHttpData({ method: 'POST' }));
    expect(r.ok).toBe(true);
    const data = (r.ok ? r.graph.nodes[1].data : null) as HttpRequestNodeData;
    expect(data).toMatchObject({
      type: 'http-request',
      method: 'post',
      authorization: { type: 'api-key', config: { type: 'bearer', api_key: 'sk-abc', header: '' } },
      headers: 'X-Trace:{{#start.q#}}',
      params: 'page:1',
      body: { type: 'json', data: [{ key: '', type: 'text', value: '{"q": "{{#start.q#}}"}', file: [] }] },
      timeout: { connect: 5 },
      ssl_verify: true,
      retry_config: { retry_enabled: true, max_retries: 3, retry_interval: 100 },
    });
  });

  it('defaults what Dify leaves out: no auth, no body, empty headers and params', () => {
    const r = parse({ type: 'http-request', method: 'get', url: 'https://x.example', authorization: { type: 'no-auth', config: null } });
    expect(r.ok && r.graph.nodes[1].data).toMatchObject({
      authorization: { type: 'no-auth' },
      headers: '',
      params: '',
      body: { type: 'none', data: [] },
      timeout: {},
    });
  });

  it('names each problem with its path and node id', () => {
    expect(issuesOf(difyHttpData({ method: 'TRACE' }))).toEqual([['nodes[1].data.method', 'invalid_value', 'api']]);
    expect(issuesOf(difyHttpData({ url: '' }))).toEqual([['nodes[1].data.url', 'required', 'api']]);
    expect(issuesOf(difyHttpData({ authorization: { type: 'api-key' } }))).toEqual([
      ['nodes[1].data.authorization.config', 'required', 'api'],
    ]);
    expect(issuesOf(difyHttpData({ authorization: { type: 'api-key', config: { type: 'custom', api_key: 'k', header: '' } } }))).toEqual([
      ['nodes[1].data.authorization.config.header', 'required', 'api'],
    ]);
    expect(issuesOf(difyHttpData({ authorization: { type: 'oauth' } }))).toEqual([
      ['nodes[1].data.authorization.type', 'invalid_value', 'api'],
    ]);
    expect(issuesOf(difyHttpData({ body: { type: 'xml', data: [] } }))).toEqual([['nodes[1].data.body.type', 'invalid_value', 'api']]);
    expect(
      issuesOf(
        difyHttpData({
          body: {
            type: 'json',
            data: [
              { type: 'text', value: '{}' },
              { type: 'text', value: '{}' },
            ],
          },
        }),
      ),
    ).toEqual([['nodes[1].data.body.data', 'too_big', 'api']]);
    expect(issuesOf(difyHttpData({ body: { type: 'binary', data: [{ type: 'file', file: [] }] } }))).toEqual([
      ['nodes[1].data.body.data[0].file', 'required', 'api'],
    ]);
    expect(issuesOf(difyHttpData({ timeout: { read: 601 } }))).toEqual([['nodes[1].data.timeout.read', 'too_big', 'api']]);
    expect(issuesOf(difyHttpData({ url: 'https://x.example/' + 'a'.repeat(9000) }))).toEqual([['nodes[1].data.url', 'too_big', 'api']]);
  });

  it('checks the references of url, headers, params, api key, body values and file selectors', () => {
    expect(issuesOf(difyHttpData({ url: 'https://x.example/{{#nowhere.v#}}' }))).toEqual([
      ['nodes[1].data.url', 'unknown_variable_reference', 'api'],
    ]);
    expect(issuesOf(difyHttpData({ headers: 'A: {{#end.code#}}' }))).toEqual([['nodes[1].data.headers', 'reference_not_upstream', 'api']]);
    expect(
      issuesOf(difyHttpData({ authorization: { type: 'api-key', config: { type: 'bearer', api_key: '{{#ghost.key#}}' } } })).map(
        (i) => i[0],
      ),
    ).toEqual(['nodes[1].data.authorization.config.api_key']);
    expect(
      issuesOf(difyHttpData({ body: { type: 'form-data', data: [{ key: 'f', type: 'file', file: ['ghost', 'doc'] }] } })).map((i) => i[0]),
    ).toEqual(['nodes[1].data.body.data[0].file']);
    expect(issuesOf(difyHttpData({ body: { type: 'binary', data: [{ type: 'file', file: ['start', 'doc'] }] } }))).toEqual([]);
  });

  it('imports a Dify app with an http-request node (it is no longer refused)', () => {
    const doc = basicDoc() as { workflow: { graph: { nodes: Array<Record<string, unknown>>; edges: Array<Record<string, unknown>> } } };
    const nodes = doc.workflow.graph.nodes;
    const startId = String(nodes[0].id);
    nodes.splice(1, 0, difyNode('api', difyHttpData({ url: 'https://api.example.com/x', headers: '', body: { type: 'none', data: [] } })));
    doc.workflow.graph.edges.push(difyEdge(startId, 'api', 'start', 'http-request'));
    const result = importDifyDsl(stringify(doc));
    expect(result.ok ? null : result.issues).toBeNull();
  });
});
