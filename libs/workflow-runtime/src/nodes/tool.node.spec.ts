import { executeRun, type NodeFileStore, type NodeFileToStore, type ToolCallRequest, type ToolInvoker } from '../index';
import { fakePorts, graph } from '../fake-ports.spec-helper';

const toolNode = (data: Record<string, unknown>) => ({ id: 'tool', data: { type: 'tool', provider_name: 'p', tool_label: 't', ...data } });

const flow = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  graph({
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'doc', type: 'paragraph' }] } },
      toolNode({ ...data, ...extra }),
      {
        id: 'end',
        data: {
          type: 'end',
          outputs: [
            { variable: 'text', value_selector: ['tool', 'text'] },
            { variable: 'json', value_selector: ['tool', 'json'] },
            { variable: 'files', value_selector: ['tool', 'files'] },
          ],
        },
      },
    ],
    edges: [
      { source: 'start', target: 'tool' },
      { source: 'tool', target: 'end' },
    ],
  });

const run = (
  data: Record<string, unknown>,
  opts: { tools?: ToolInvoker; extra?: Record<string, unknown>; doc?: string; fileStore?: NodeFileStore } = {},
) =>
  executeRun({
    runId: 'run_1',
    workflowId: 'wf_1',
    workflowVersionId: 'wfv_1',
    graph: flow(data, opts.extra),
    inputs: { doc: opts.doc ?? '{"a": {"b": [1, 2]}}' },
    finished: [],
    ports: { ...fakePorts(), clock: { now: () => Date.UTC(2026, 10, 30, 9, 0, 0) }, tools: opts.tools, fileStore: opts.fileStore },
  });

describe('tool node', () => {
  it('runs a built-in tool with variable and mixed parameters and outputs Dify’s text, files and json', async () => {
    const ok = await run({
      provider_type: 'builtin',
      provider_id: 'json_process',
      tool_name: 'parse',
      tool_parameters: { content: { type: 'variable', value: ['start', 'doc'] }, json_filter: { type: 'mixed', value: '$.a.b' } },
    });
    expect(ok.outputs).toEqual({ text: '[1, 2]', json: [{ data: [] }], files: [] });
  });

  it('casts constants to the declared types and fills defaults (time reads the run clock)', async () => {
    const outcome = await run({
      provider_type: 'builtin',
      provider_id: 'time',
      tool_name: 'current_time',
      tool_configurations: { timezone: 'Asia/Tokyo' },
      tool_parameters: { format: { type: 'constant', value: '%H:%M' } },
    });
    expect(outcome.outputs).toEqual({ text: '18:00', json: [{ data: [] }], files: [] });
  });

  it('fails naming the tool when the built-in tool does not exist or a parameter cannot be cast', async () => {
    const missing = await run({ provider_type: 'builtin', provider_id: 'time', tool_name: 'nope' });
    expect(missing.status).toBe('failed');
    expect(missing.error).toContain("there is no built-in tool 'nope' in provider 'time'");
    const bad = await run({
      provider_type: 'builtin',
      provider_id: 'time',
      tool_name: 'weekday',
      tool_parameters: {
        year: { type: 'constant', value: 'soon' },
        month: { type: 'constant', value: 1 },
        day: { type: 'constant', value: 1 },
      },
    });
    expect(bad.error).toContain('tool parameter year must be a number');
  });

  it('calls MCP tools through the invoker and keeps their json; an invoker failure is the node’s error, error_strategy applies', async () => {
    const seen: ToolCallRequest[] = [];
    const tools: ToolInvoker = {
      invoke: async (req) => {
        seen.push(req);
        return { text: `hi ${String(req.parameters.name)}`, json: [{ n: 1 }], files: [] };
      },
    };
    const ok = await run(
      {
        provider_type: 'mcp',
        provider_id: 'mcp_1',
        tool_name: 'greet',
        tool_parameters: { name: { type: 'mixed', value: 'x{{#start.doc#}}' } },
      },
      { tools, doc: 'y' },
    );
    expect(ok.outputs).toEqual({ text: 'hi xy', json: [{ n: 1 }], files: [] });
    expect(seen[0]).toMatchObject({ providerId: 'mcp_1', toolName: 'greet', parameters: { name: 'xy' } });

    const failing: ToolInvoker = { invoke: () => Promise.reject(new Error('server said no')) };
    const failed = await run({ provider_type: 'mcp', provider_id: 'mcp_1', tool_name: 'greet' }, { tools: failing });
    expect(failed.error).toContain('Failed to invoke tool: server said no');
    const handled = await run(
      { provider_type: 'mcp', provider_id: 'mcp_1', tool_name: 'greet' },
      { tools: failing, extra: { error_strategy: 'default-value', default_value: [{ key: 'text', type: 'string', value: 'fallback' }] } },
    );
    expect(handled.status).toBe('partial-succeeded');
    expect(handled.outputs).toMatchObject({ text: 'fallback' });
  });

  it('without an invoker, MCP tool nodes fail saying so', async () => {
    const outcome = await run({ provider_type: 'mcp', provider_id: 'mcp_1', tool_name: 'greet' });
    expect(outcome.error).toContain('no tool invoker is configured');
  });

  it('stores the files an MCP tool returned as bytes and outputs them as Dify’s tool files', async () => {
    const saved: NodeFileToStore[] = [];
    const fileStore: NodeFileStore = {
      save: async (file) => {
        saved.push(file);
        return { id: `file_${saved.length}`, url: `/v1/files/file_${saved.length}/content` };
      },
    };
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47]);
    const tools: ToolInvoker = {
      invoke: async () => ({
        text: 'a chart',
        json: [],
        files: [],
        blobs: [
          { filename: 'image.png', mimeType: 'image/png', extension: '.png', bytes: png },
          { filename: 'q3.pdf', mimeType: 'application/pdf', extension: '.pdf', bytes: new TextEncoder().encode('%PDF-') },
        ],
      }),
    };
    const ok = await run({ provider_type: 'mcp', provider_id: 'mcp_1', tool_name: 'chart' }, { tools, fileStore });
    expect(ok.status).toBe('succeeded');
    expect(saved.map((f) => f.filename)).toEqual(['image.png', 'q3.pdf']);
    expect(ok.outputs).toEqual({
      text: 'a chart',
      json: [{ data: [] }],
      files: [
        {
          dify_model_identity: '__dify__file__',
          type: 'image',
          transfer_method: 'tool_file',
          remote_url: null,
          related_id: 'file_1',
          url: '/v1/files/file_1/content',
          filename: 'image.png',
          extension: '.png',
          mime_type: 'image/png',
          size: 4,
        },
        expect.objectContaining({ type: 'document', related_id: 'file_2', filename: 'q3.pdf', mime_type: 'application/pdf', size: 5 }),
      ],
    });

    const noStore = await run({ provider_type: 'mcp', provider_id: 'mcp_1', tool_name: 'chart' }, { tools });
    expect(noStore.error).toContain('the tool returned 2 file(s), and this run has no file store to keep them in');
    const broken: NodeFileStore = { save: () => Promise.reject(new Error('disk full')) };
    const failed = await run({ provider_type: 'mcp', provider_id: 'mcp_1', tool_name: 'chart' }, { tools, fileStore: broken });
    expect(failed.error).toContain('could not store the file image.png the tool returned: disk full');
  });
});
