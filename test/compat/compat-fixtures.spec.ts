// The compatibility fixtures are well-formed and Shoal's Dify importer takes each of them.
import { parse } from 'yaml';
import { exportDifyDsl, importDifyDsl, NODE_TYPES } from '@shoal/workflow-dsl';
import { loadCompatFixtures } from './compat-fixtures.loader';

const fixtures = loadCompatFixtures();

/** Every node type the fixtures use (Dify's workflow scope, part 1). */
const DIFY_TYPES = [
  'start',
  'end',
  'answer',
  'llm',
  'if-else',
  'template-transform',
  'variable-aggregator',
  'variable-assigner',
  'assigner',
  'iteration',
  'loop',
  'list-operator',
  // part 2
  'code',
  'http-request',
  'document-extractor',
  'tool',
  'question-classifier',
  'parameter-extractor',
];

interface DslNode {
  id: string;
  data: Record<string, unknown>;
}

/** YAML 1.2 reading is enough for these checks, and keeps Dify's plain `y:` a string. */
function nodesOf(yaml: string): DslNode[] {
  const doc = parse(yaml) as { workflow: { graph: { nodes: DslNode[] } } };
  return doc.workflow.graph.nodes;
}

function contained(type: string, supported: readonly string[]): boolean {
  const container: Record<string, string> = { 'iteration-start': 'iteration', 'loop-start': 'loop', 'loop-end': 'loop' };
  return supported.includes(type) || supported.includes(container[type] ?? '');
}

describe('Dify compatibility fixtures', () => {
  it('are at least 30', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
  });

  describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    it('has a well-formed case file', () => {
      if (!fixture.case.ok) throw new Error(`${fixture.casePath}: ${fixture.case.error}`);
    });

    it('passes the import envelope, as an app of the case mode', () => {
      const result = importDifyDsl(fixture.yaml, { supportedNodeTypes: DIFY_TYPES, knownModels: ['mock-chat'] });
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      expect(result.warnings.filter((w) => w.code !== 'legacy_node_type')).toEqual([]);
      if (fixture.case.ok) expect(result.workflow.mode).toBe(fixture.case.value.mode);
    });

    it("is taken with today's node types, or refused with every node Shoal cannot run yet", () => {
      const unsupported = nodesOf(fixture.yaml).filter(
        (n) => !contained(String(n.data.type), NODE_TYPES) && n.data.type !== 'variable-assigner',
      );
      const legacy = nodesOf(fixture.yaml).filter(
        (n) => n.data.type === 'variable-assigner' && !(NODE_TYPES as readonly string[]).includes('variable-aggregator'),
      );
      const result = importDifyDsl(fixture.yaml);
      const expected = [...unsupported, ...legacy].map((n) => n.id).sort();
      if (expected.length === 0) expect(result.ok).toBe(true);
      else {
        expect(result).toMatchObject({ ok: false, status: 422 });
        if (!result.ok)
          expect(result.issues.map((i) => [i.code, i.nodeId])).toEqual(
            expect.arrayContaining(expected.map((id) => ['unsupported_node_type', id])),
          );
        if (!result.ok) expect(result.issues).toHaveLength(expected.length);
      }
    });

    it('comes back the same through exportDifyDsl', () => {
      const first = importDifyDsl(fixture.yaml, { supportedNodeTypes: DIFY_TYPES });
      if (!first.ok) throw new Error(JSON.stringify(first.issues));
      const again = importDifyDsl(exportDifyDsl(first.workflow, { includeSecrets: true }), { supportedNodeTypes: DIFY_TYPES });
      if (!again.ok) throw new Error(JSON.stringify(again.issues));
      expect(again.workflow).toEqual({ ...first.workflow, dsl_version: '0.6.0' });
    });

    it("is laid out as Dify's export writes it", () => {
      const doc = parse(fixture.yaml) as Record<string, Record<string, unknown>>;
      expect(Object.keys(doc)).toEqual(['app', 'dependencies', 'kind', 'version', 'workflow']);
      expect(Object.keys(doc.workflow)).toEqual(['conversation_variables', 'environment_variables', 'features', 'graph']);
      const graph = doc.workflow.graph as {
        nodes: Array<Record<string, unknown>>;
        edges: Array<Record<string, unknown>>;
        viewport: unknown;
      };
      expect(graph.viewport).toEqual({ x: 0, y: 0, zoom: expect.any(Number) });
      for (const node of graph.nodes)
        expect(node).toMatchObject({ type: expect.stringMatching(/^custom/), position: { x: expect.any(Number), y: expect.any(Number) } });
      for (const edge of graph.edges)
        expect(edge).toMatchObject({ type: 'custom', data: { sourceType: expect.any(String), targetType: expect.any(String) } });
    });

    it('runs its LLM nodes on the mock model', () => {
      for (const node of nodesOf(fixture.yaml).filter((n) => n.data.type === 'llm'))
        expect(node.data.model).toMatchObject({ name: 'mock-chat' });
    });
  });

  it('cover every node type, if-else operator and assigner operation in scope', () => {
    const nodes = fixtures.flatMap((f) => nodesOf(f.yaml));
    expect(new Set(nodes.map((n) => n.data.type))).toEqual(new Set([...DIFY_TYPES, 'iteration-start', 'loop-start', 'loop-end']));
    const operators = new Set(
      nodes.flatMap((n) => {
        const data = n.data as {
          cases?: Array<{ conditions: Array<{ comparison_operator: string }> }>;
          conditions?: Array<{ comparison_operator: string }>;
        };
        return [...(data.cases ?? []).flatMap((c) => c.conditions), ...(data.conditions ?? [])].map((c) => c.comparison_operator);
      }),
    );
    const IF_ELSE_OPERATORS = [
      'contains',
      'not contains',
      'start with',
      'end with',
      'is',
      'is not',
      'empty',
      'not empty',
      'in',
      'not in',
      'all of',
      '=',
      '≠',
      '>',
      '<',
      '≥',
      '≤',
      'null',
      'not null',
      'exists',
      'not exists',
    ];
    expect([...operators].sort()).toEqual([...IF_ELSE_OPERATORS].sort());
    const operations = new Set(
      nodes.flatMap((n) => ((n.data.items as Array<{ operation: string }> | undefined) ?? []).map((i) => i.operation)),
    );
    expect([...operations].sort()).toEqual([
      '*=',
      '+=',
      '-=',
      '/=',
      'append',
      'clear',
      'extend',
      'over-write',
      'remove-first',
      'remove-last',
      'set',
    ]);
    const modes = new Set(fixtures.map((f) => (f.case.ok ? f.case.value.mode : 'bad')));
    expect([...modes].sort()).toEqual(['advanced-chat', 'workflow']);
  });
});
