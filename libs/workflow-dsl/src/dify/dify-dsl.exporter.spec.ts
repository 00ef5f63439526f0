import { parse } from 'yaml';
import { parseWorkflowGraph } from '../graph.parser';
import { exportDifyDsl } from './dify-dsl.exporter';
import { importDifyDsl } from './dify-dsl.importer';
import type { ImportedDifyWorkflow, JsonObject } from './dify-dsl.types';
import { basicDoc, difyEdge, difyNode, toYaml } from './dify-dsl.spec-helper';

const ALL_TYPES = ['start', 'llm', 'end', 'iteration', 'answer'];

function importOrThrow(text: string): ImportedDifyWorkflow {
  const result = importDifyDsl(text, { supportedNodeTypes: ALL_TYPES });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.workflow;
}

function asObject(value: unknown): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return value as JsonObject;
}

describe('exportDifyDsl', () => {
  const workflow = importOrThrow(toYaml(basicDoc()));
  const exported = asObject(parse(exportDifyDsl(workflow), { version: '1.1' }));

  it("writes Dify's envelope: kind, the newest version, app with an icon, dependencies", () => {
    expect(exported).toMatchObject({ kind: 'app', version: '0.6.0', dependencies: [] });
    expect(exported.app).toEqual({
      name: 'basic',
      mode: 'workflow',
      description: 'a test',
      icon: '🤖',
      icon_background: '#FFEAD5',
      icon_type: 'emoji',
      use_icon_as_answer_icon: false,
    });
  });

  it('gives every node type custom and a position, every edge type custom, and the graph a viewport', () => {
    const graph = asObject(asObject(exported.workflow).graph);
    const nodes = graph.nodes as JsonObject[];
    for (const node of nodes) expect(node).toMatchObject({ type: 'custom', position: { x: expect.any(Number), y: expect.any(Number) } });
    expect(new Set(nodes.map((n) => JSON.stringify(n.position))).size).toBe(nodes.length);
    for (const edge of graph.edges as JsonObject[])
      expect(edge).toMatchObject({ type: 'custom', data: { sourceType: expect.any(String), targetType: expect.any(String) } });
    expect(graph.viewport).toEqual({ x: 0, y: 0, zoom: 1 });
  });

  it('round-trips: import, export, import gives the same workflow', () => {
    const again = importOrThrow(exportDifyDsl(workflow));
    expect(again).toEqual({ ...workflow, dsl_version: '0.6.0' });
  });

  it('writes keys sorted, as PyYAML does, and quotes strings PyYAML would read as something else', () => {
    const text = exportDifyDsl({ ...workflow, description: 'yes' });
    expect(text.indexOf('app:')).toBeLessThan(text.indexOf('dependencies:'));
    expect(text.indexOf('kind:')).toBeLessThan(text.indexOf('version:'));
    expect(text).toMatch(/description: ["']yes["']/);
    expect(text).not.toContain('&');
  });

  it('blanks secret environment variables unless asked to keep them', () => {
    const env = [
      { id: 'e1', name: 'api_key', value: 's3cret', value_type: 'secret', description: '', selector: ['env', 'api_key'] },
      { id: 'e2', name: 'region', value: 'eu', value_type: 'string', description: '', selector: ['env', 'region'] },
    ];
    const blanked = importOrThrow(exportDifyDsl({ ...workflow, environment_variables: env }));
    expect(blanked.environment_variables).toEqual([{ ...env[0], value: '' }, env[1]]);
    expect(
      importOrThrow(exportDifyDsl({ ...workflow, environment_variables: env }, { includeSecrets: true })).environment_variables,
    ).toEqual(env);
  });

  it('exports a graph parseWorkflowGraph returned (normalized, with Shoal defaults)', () => {
    const parsed = parseWorkflowGraph(workflow.graph);
    if (!parsed.ok) throw new Error('fixture graph is invalid');
    const again = importOrThrow(exportDifyDsl({ name: 'n', mode: 'workflow', graph: parsed.graph }));
    expect(parseWorkflowGraph(again.graph)).toEqual(parsed);
  });

  it("marks container start nodes as Dify's editor does and keeps positions it was given", () => {
    const text = toYaml({
      ...basicDoc(),
      workflow: {
        graph: {
          nodes: [
            difyNode('s', { type: 'start', title: 'S', variables: [] }),
            difyNode('it', { type: 'iteration', title: 'It', start_node_id: 'its', width: 400, height: 200 }, 380),
            difyNode('its', { type: 'iteration-start', title: '' }, 24, { parentId: 'it', type: 'custom-iteration-start' }),
            difyNode('e', { type: 'end', title: 'E', outputs: [] }, 900),
          ],
          edges: [difyEdge('s', 'it', 'start', 'iteration'), difyEdge('it', 'e', 'iteration', 'end')],
        },
      },
    });
    const wf = importOrThrow(text);
    const out = asObject(
      parse(
        exportDifyDsl({
          ...wf,
          graph: { nodes: wf.graph.nodes.map((n) => (n.id === 's' ? { ...n, position: { x: 5, y: 6 } } : n)), edges: wf.graph.edges },
        }),
      ),
    );
    const nodes = asObject(asObject(out.workflow).graph).nodes as JsonObject[];
    expect(nodes[0].position).toEqual({ x: 5, y: 6 });
    expect(nodes[1]).toMatchObject({ type: 'custom', width: 400, height: 200 });
    expect(nodes[2]).toMatchObject({
      type: 'custom-iteration-start',
      parentId: 'it',
      zIndex: 1002,
      draggable: false,
      selectable: false,
      position: { x: 24, y: 68 },
    });
  });

  it('fills features for a workflow that has none', () => {
    const out = asObject(parse(exportDifyDsl({ name: 'n', mode: 'advanced-chat', graph: { nodes: [], edges: [] } })));
    expect(asObject(out.workflow).features).toMatchObject({ opening_statement: '', retriever_resource: { enabled: true } });
  });
});
