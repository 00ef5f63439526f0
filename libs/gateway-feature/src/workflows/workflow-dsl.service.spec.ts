import { parse, stringify } from 'yaml';
import { randomBytes } from 'node:crypto';
import { ApiError, SecretBox, type RequestContext } from '@shoal/platform';
import type { ModelPoolClient } from '../openai/model-pool.client';
import { parseImportRequest } from './import-workflow.request';
import { WorkflowDslService } from './workflow-dsl.service';
import type { WorkflowWithVersion, WorkflowsRepository } from './workflows.repository';
import { WorkflowsService } from './workflows.service';

class FakeWorkflows {
  readonly stored = new Map<string, WorkflowWithVersion & { tenantId: string }>();
  async create(tenantId: string, input: { name: string; description: string; graph: object }): Promise<WorkflowWithVersion> {
    const n = this.stored.size + 1;
    const wf = {
      id: `wf_${n}`,
      tenantId,
      name: input.name,
      description: input.description,
      createdAt: new Date(),
      version: { id: `wfv_${n}`, number: 1, graph: input.graph, createdAt: new Date() },
    };
    this.stored.set(wf.id, wf);
    return wf;
  }
  async findLatest(tenantId: string, workflowId: string): Promise<WorkflowWithVersion | null> {
    const wf = this.stored.get(workflowId);
    return wf && wf.tenantId === tenantId ? wf : null;
  }
}

const ctx: RequestContext = { tenantId: 'ten_a', apiKeyId: 'key_a', scopes: ['admin'], workflowId: null };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test documents are edited freely
function dsl(edit: (doc: Record<string, any>) => void = () => undefined): string {
  const doc = {
    app: { mode: 'workflow', name: 'qa', description: 'asks' },
    kind: 'app',
    version: '0.3.1',
    workflow: {
      environment_variables: [
        { name: 'api_key', value_type: 'secret', value: 'sk-1' },
        { name: 'tone', value_type: 'string', value: 'dry' },
      ],
      conversation_variables: [],
      features: { opening_statement: 'hello' },
      graph: {
        nodes: [
          {
            id: 'start',
            data: { type: 'start', title: 'Start', variables: [{ variable: 'q', label: 'q', type: 'paragraph', required: true }] },
          },
          {
            id: 'llm',
            data: {
              type: 'llm',
              title: 'LLM',
              model: { provider: 'openai', name: 'gpt-4o', mode: 'chat', completion_params: {} },
              prompt_template: [{ role: 'user', text: '{{#env.tone#}} {{#start.q#}}' }],
            },
          },
          { id: 'end', data: { type: 'end', title: 'End', outputs: [{ variable: 'a', value_selector: ['llm', 'text'] }] } },
        ],
        edges: [
          { source: 'start', target: 'llm' },
          { source: 'llm', target: 'end' },
        ],
      },
    },
  };
  edit(doc);
  return stringify(doc);
}

function setup(models: string[] | null) {
  const repo = new FakeWorkflows();
  const pool = { modelNames: async () => models } as unknown as ModelPoolClient;
  const service = new WorkflowDslService(
    repo as unknown as WorkflowsRepository,
    new WorkflowsService(repo as unknown as WorkflowsRepository, undefined, new SecretBox(randomBytes(32))),
    pool,
  );
  return { repo, service };
}

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(err)}`);
  return err;
}

describe('WorkflowDslService', () => {
  it('stores the graph with its variables, mode and features where the engine and export read them', async () => {
    const { service } = setup(['deepseek-flash']);
    const { workflow, warnings } = await service.import(ctx, { yaml: dsl(), modelMap: { 'gpt-4o': 'deepseek-flash' } });
    expect(warnings).toEqual([]);
    expect(workflow).toMatchObject({ name: 'qa', description: 'asks' });
    expect(workflow.version.graph).toMatchObject({
      mode: 'workflow',
      features: { opening_statement: 'hello' },
      conversation_variables: [],
      environment_variables: [{ name: 'api_key' }, { name: 'tone' }],
    });
    const exported = parse(await service.export(ctx, workflow.id));
    expect(exported.app).toMatchObject({ name: 'qa', description: 'asks', mode: 'workflow' });
    expect(exported.workflow.environment_variables.map((v: { value: unknown }) => v.value)).toEqual(['', 'dry']);
    // the secret is stored sealed, never as sent
    expect(JSON.stringify(workflow.version.graph)).not.toContain('sk-1');
    expect(exported.workflow.features).toEqual({ opening_statement: 'hello' });
  });

  it('warns about a model no alias serves, and skips those warnings when model-pool cannot list its aliases', async () => {
    expect(
      (await setup(['deepseek-flash']).service.import(ctx, { yaml: dsl(), modelMap: {} })).warnings.map((w) => [w.code, w.nodeId]),
    ).toEqual([['model_not_served', 'llm']]);
    expect((await setup(null).service.import(ctx, { yaml: dsl(), modelMap: {} })).warnings).toEqual([]);
  });

  it('refuses with every issue and stores nothing: 400 for YAML syntax, 422 for a mode or a graph Shoal does not run', async () => {
    const { repo, service } = setup([]);
    const syntax = await refusal(service.import(ctx, { yaml: 'app: [', modelMap: {} }));
    expect([syntax.status, syntax.code, syntax.opts.issues?.[0]]).toEqual([
      400,
      'invalid_yaml',
      expect.objectContaining({ code: 'yaml_syntax', line: expect.any(Number), column: expect.any(Number) }),
    ]);
    const mode = await refusal(service.import(ctx, { yaml: dsl((d) => (d.app.mode = 'agent-chat')), modelMap: {} }));
    expect([mode.status, mode.code]).toEqual([422, 'unprocessable_content']);
    expect(mode.message).toContain("app.mode is 'agent-chat'");
    const graph = await refusal(service.import(ctx, { yaml: dsl((d) => (d.workflow.environment_variables = [])), modelMap: {} }));
    expect([graph.status, graph.opts.issues?.[0]]).toEqual([
      422,
      expect.objectContaining({ path: 'workflow.graph.nodes[1].data.prompt_template[0].text', node_id: 'llm' }),
    ]);
    expect(repo.stored.size).toBe(0);
  });

  it('exports only the caller tenant’s workflows', async () => {
    const { service } = setup([]);
    const { workflow } = await service.import(ctx, { yaml: dsl(), modelMap: {} });
    expect((await refusal(service.export({ ...ctx, tenantId: 'ten_b' }, workflow.id))).status).toBe(404);
  });
});

describe('parseImportRequest', () => {
  it('reads a YAML body as text and a JSON body as { yaml_content, model_map }, the JSON map winning over the query', () => {
    expect(parseImportRequest('app: {}', 'text/yaml', 'a:b')).toEqual({ yaml: 'app: {}', modelMap: { a: 'b' } });
    expect(parseImportRequest({ yaml_content: 'x', model_map: { a: 'c' } }, 'application/json', ['a:b', 'd:e'])).toEqual({
      yaml: 'x',
      modelMap: { a: 'c', d: 'e' },
    });
  });

  it('refuses an empty YAML body, a JSON body without yaml_content and a bad model_map with their paths', () => {
    const pathOf = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as ApiError).opts.issues?.map((i) => i.path);
      }
      throw new Error('expected a refusal');
    };
    expect(pathOf(() => parseImportRequest(undefined, 'application/yaml', undefined))).toEqual(['body']);
    expect(pathOf(() => parseImportRequest({}, 'application/json', undefined))).toEqual(['yaml_content']);
    expect(pathOf(() => parseImportRequest('x', 'application/yaml', 'a:b,nocolon'))).toEqual(['query.model_map[1]']);
  });
});
