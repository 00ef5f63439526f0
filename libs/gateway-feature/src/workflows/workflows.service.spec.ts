import { randomBytes } from 'node:crypto';
import { ApiError, SecretBox, SecretBoxError, openWorkflowSecrets, type RequestContext } from '@shoal/platform';
import { parseWorkflowGraph, type WorkflowGraph } from '@shoal/workflow-dsl';
import type { WorkflowWithVersion, WorkflowsRepository } from './workflows.repository';
import { WorkflowsService, frozenSize, toFieldIssues } from './workflows.service';

function exampleGraph(): { nodes: Array<Record<string, unknown>>; edges: unknown[] } {
  return {
    nodes: [
      {
        id: 'start',
        data: {
          type: 'start',
          title: 'Start',
          variables: [{ variable: 'question', label: 'Question', type: 'paragraph', required: true, max_length: 200 }],
        },
      },
      {
        id: 'llm',
        data: {
          type: 'llm',
          title: 'Answer',
          model: { provider: 'mock', name: 'mock-chat', mode: 'chat', completion_params: {} },
          prompt_template: [{ role: 'user', text: 'Answer: {{#start.question#}}' }],
        },
      },
      { id: 'end', data: { type: 'end', title: 'End', outputs: [{ variable: 'answer', value_selector: ['llm', 'text'] }] } },
    ],
    edges: [
      { source: 'start', target: 'llm' },
      { source: 'llm', target: 'end' },
    ],
  };
}

class FakeWorkflows {
  readonly created: Array<{ tenantId: string; input: { name: string; description: string; graph: object } }> = [];
  readonly stored = new Map<string, WorkflowWithVersion & { tenantId: string }>();

  async create(tenantId: string, input: { name: string; description: string; graph: object }): Promise<WorkflowWithVersion> {
    this.created.push({ tenantId, input });
    const wf = {
      id: `wf_${this.created.length}`,
      tenantId,
      name: input.name,
      description: input.description,
      createdAt: new Date(),
      version: { id: `wfv_${this.created.length}`, number: 1, graph: input.graph, createdAt: new Date() },
    };
    this.stored.set(wf.id, wf);
    return wf;
  }

  async findLatest(tenantId: string, workflowId: string): Promise<WorkflowWithVersion | null> {
    const wf = this.stored.get(workflowId);
    return wf && wf.tenantId === tenantId ? wf : null;
  }
}

const ctx = (over: Partial<RequestContext> = {}): RequestContext => ({
  tenantId: 'ten_a',
  apiKeyId: 'key_a',
  scopes: ['admin'],
  workflowId: null,
  ...over,
});

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('toFieldIssues', () => {
  it('roots DSL issue paths at the request field and keeps the node id', () => {
    expect(toFieldIssues('graph', [{ path: 'nodes[1].data.model.name', code: 'required', message: 'is required', nodeId: 'llm' }])).toEqual(
      [{ path: 'graph.nodes[1].data.model.name', code: 'required', message: 'is required', node_id: 'llm' }],
    );
  });
});

describe('WorkflowsService', () => {
  let repo: FakeWorkflows;
  let service: WorkflowsService;
  beforeEach(() => {
    repo = new FakeWorkflows();
    service = new WorkflowsService(repo as unknown as WorkflowsRepository);
  });

  it("stores a valid graph, normalized, under the caller's tenant", async () => {
    const wf = await service.create(ctx(), { name: 'Q&A', graph: exampleGraph() });
    expect(repo.created).toHaveLength(1);
    expect(repo.created[0].tenantId).toBe('ten_a');
    expect(repo.created[0].input.description).toBe('');
    const graph = wf.version.graph as WorkflowGraph;
    expect(graph.nodes.map((n) => n.id)).toEqual(['start', 'llm', 'end']);
    expect(graph.edges[0]).toMatchObject({ source: 'start', target: 'llm', sourceHandle: 'source', targetHandle: 'target' });
  });

  it('refuses an invalid graph with 400, naming each problem by its path under "graph", and stores nothing', async () => {
    const graph = exampleGraph();
    (graph.nodes[1].data as { model: Record<string, unknown> }).model = { provider: 'mock', mode: 'chat' };
    const err = await apiError(service.create(ctx(), { name: 'Q&A', graph }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('validation_failed');
    expect(err.opts.issues?.map((i) => i.path)).toContain('graph.nodes[1].data.model.name');
    expect(err.opts.issues?.find((i) => i.path === 'graph.nodes[1].data.model.name')?.node_id).toBe('llm');
    expect(err.message).toMatch(/^The workflow graph is invalid: /);
    expect(repo.created).toHaveLength(0);
  });

  it('counts the further problems in the message', async () => {
    const err = await apiError(service.create(ctx(), { name: 'x', graph: { nodes: [], edges: [] } }));
    expect(err.opts.issues!.length).toBeGreaterThan(1);
    expect(err.message).toContain(`(and ${err.opts.issues!.length - 1} more)`);
  });

  // The path of a problem with the graph as a whole must be "graph", not "graph." (a path no JSON
  // tool can resolve): toFieldIssues joins the root and an empty DSL path with a dot regardless.
  it.each([['a string'], [null], [[1, 2]]])('names the graph itself when it is not an object (%p)', async (graph) => {
    const err = await apiError(service.create(ctx(), { name: 'x', graph }));
    expect(err.status).toBe(400);
    expect(err.opts.issues!.map((i) => i.path)).toEqual(['graph']);
  });

  it("reads a workflow of the caller's tenant only", async () => {
    const wf = await service.create(ctx(), { name: 'Q&A', graph: exampleGraph() });
    await expect(service.get(ctx(), wf.id)).resolves.toMatchObject({ id: wf.id, name: 'Q&A' });
    const err = await apiError(service.get(ctx({ tenantId: 'ten_b' }), wf.id));
    expect([err.status, err.message]).toEqual([404, `Workflow '${wf.id}' was not found`]);
  });

  it('hides other workflows from a key bound to one workflow', async () => {
    const a = await service.create(ctx(), { name: 'A', graph: exampleGraph() });
    const b = await service.create(ctx(), { name: 'B', graph: exampleGraph() });
    await expect(service.get(ctx({ workflowId: a.id }), a.id)).resolves.toMatchObject({ id: a.id });
    expect((await apiError(service.get(ctx({ workflowId: a.id }), b.id))).status).toBe(404);
  });
});

describe('WorkflowsService with configured limits (WORKFLOW_MAX_*, RUN_INPUT*_MAX_BYTES)', () => {
  const limits = (over: Partial<{ maxNodes: number; maxInputBytes: number }>) => ({
    graph: { maxNodes: over.maxNodes ?? 1000, maxEdges: 4000, maxTemplateLength: 400_000 },
    inputs: { maxInputBytes: over.maxInputBytes ?? 200 * 1024, maxTotalInputBytes: 1024 * 1024 },
  });

  it('refuses a graph over the configured node count before storing anything, and takes it when the limit allows', async () => {
    const repo = new FakeWorkflows();
    const strict = new WorkflowsService(repo as unknown as WorkflowsRepository, limits({ maxNodes: 2 }));
    const err = await apiError(strict.create(ctx(), { name: 'x', graph: exampleGraph() }));
    expect(err.status).toBe(400);
    expect(JSON.stringify(err.opts.issues)).toMatch(/2/);
    expect(repo.created).toHaveLength(0);
    const roomy = new WorkflowsService(repo as unknown as WorkflowsRepository, limits({ maxNodes: 3 }));
    await roomy.create(ctx(), { name: 'x', graph: exampleGraph() });
    expect(repo.created).toHaveLength(1);
  });

  it('checks run inputs against the configured per-input size', async () => {
    const service = new WorkflowsService(new FakeWorkflows() as unknown as WorkflowsRepository, limits({ maxInputBytes: 10 }));
    const parsed = parseWorkflowGraph(exampleGraph());
    if (!parsed.ok) throw new Error('example graph is valid');
    expect(service.validateInputs(parsed.graph, { question: 'short' }).ok).toBe(true);
    const over = service.validateInputs(parsed.graph, { question: 'far more than ten bytes' });
    expect(over.ok).toBe(false);
  });
});

describe('WorkflowsService: secret environment variables', () => {
  const withSecret = (value: unknown) => ({
    ...exampleGraph(),
    environment_variables: [
      { name: 'region', value_type: 'string', value: 'eu' },
      { name: 'token', value_type: 'secret', value },
    ],
  });

  it('stores them sealed for the tenant: the plaintext is not in what is stored, and it opens with the key', async () => {
    const repo = new FakeWorkflows();
    const box = new SecretBox(randomBytes(32));
    const service = new WorkflowsService(repo as unknown as WorkflowsRepository, undefined, box);
    await service.create(ctx(), { name: 'w', graph: withSecret('sk-very-secret-value') });
    const stored = repo.created[0].input.graph;
    expect(JSON.stringify(stored)).not.toContain('sk-very-secret-value');
    expect(JSON.stringify(stored)).toContain('"eu"');
    expect(openWorkflowSecrets(stored, ctx().tenantId, box)).toEqual({ token: 'sk-very-secret-value' });
    // bound to the tenant: another tenant's run cannot open it
    expect(() => openWorkflowSecrets(stored, 'ten_other', box)).toThrow(SecretBoxError);
  });

  it('without SHOAL_SECRET_KEY refuses a graph carrying a secret value (422 naming it), and stores nothing', async () => {
    const repo = new FakeWorkflows();
    const service = new WorkflowsService(repo as unknown as WorkflowsRepository);
    const err = await service.create(ctx(), { name: 'w', graph: withSecret('sk-very-secret-value') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(422);
    expect((err as ApiError).message).toContain('SHOAL_SECRET_KEY');
    expect((err as ApiError).opts.issues?.[0].path).toBe('graph.environment_variables[1].value');
    expect(JSON.stringify(err)).not.toContain('sk-very-secret-value');
    expect(repo.created).toHaveLength(0);
    // an empty secret (as Dify exports them) needs no key
    await service.create(ctx(), { name: 'w', graph: withSecret('') });
    expect(repo.created).toHaveLength(1);
  });

  it('refuses a secret that is not a string', async () => {
    const service = new WorkflowsService(new FakeWorkflows() as unknown as WorkflowsRepository, undefined, new SecretBox(randomBytes(32)));
    await expect(service.create(ctx(), { name: 'w', graph: withSecret(42) })).rejects.toMatchObject({ status: 400 });
  });
});

describe('frozenSize (the run-start cache keeps a graph only under its bound, frozen)', () => {
  it('sizes a graph by its JSON roughly and freezes it throughout, so runs sharing it cannot change it', () => {
    const graph = exampleGraph();
    const size = frozenSize(graph, 1 << 20);
    const json = JSON.stringify(graph).length;
    expect(size).toBeGreaterThan(json / 2);
    expect(size).toBeLessThan(json * 2);
    expect(Object.isFrozen(graph)).toBe(true);
    expect(Object.isFrozen(graph.nodes[1]['data'])).toBe(true);
    expect(() => (graph.nodes as unknown[]).push({})).toThrow(TypeError);
  });

  it('gives up on a graph over the bound, leaving it as it was, without walking all of it', () => {
    const big = { nodes: Array.from({ length: 10_000 }, (_, i) => ({ id: `n${i}`, data: { text: 'x'.repeat(100) } })) };
    let visited = 0;
    // a node far past the bound: the walk must stop before it
    Object.defineProperty(big.nodes[9_999], 'data', {
      enumerable: true,
      get: () => {
        visited++;
        return {};
      },
    });
    expect(frozenSize(big, 64 * 1024)).toBeUndefined();
    expect(visited).toBe(0);
    expect(Object.isFrozen(big)).toBe(false);
    expect(Object.isFrozen(big.nodes[0])).toBe(false);
  });
});
