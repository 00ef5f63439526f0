// Thousands of mutated DSL files through the importer: every outcome is a returned result, never a throw.
import fc from 'fast-check';
import { parseWorkflowGraph } from '../graph.parser';
import { exportDifyDsl } from './dify-dsl.exporter';
import { importDifyDsl } from './dify-dsl.importer';
import type { DifyImportResult } from './dify-dsl.types';
import { basicDoc, difyEdge, difyNode, toYaml } from './dify-dsl.spec-helper';

const TYPES = ['start', 'llm', 'end', 'answer', 'iteration', 'loop', 'if-else', 'assigner'];

function containerDoc(): Record<string, unknown> {
  const doc = basicDoc() as { app: Record<string, unknown>; workflow: Record<string, unknown> };
  doc.app.mode = 'advanced-chat';
  doc.workflow.environment_variables = [
    { id: 'e1', name: 'key', value: 'v', value_type: 'secret', description: '', selector: ['env', 'key'] },
  ];
  doc.workflow.conversation_variables = [
    { id: 'c1', name: 'n', value: 0, value_type: 'number', description: '', selector: ['conversation', 'n'] },
  ];
  doc.workflow.graph = {
    nodes: [
      difyNode('s', { type: 'start', title: 'S', variables: [{ variable: 'xs', type: 'json_object', required: false, label: 'xs' }] }),
      difyNode(
        'it',
        {
          type: 'iteration',
          title: 'It',
          start_node_id: 'its',
          iterator_selector: ['s', 'xs'],
          output_selector: ['llm', 'text'],
          is_parallel: true,
          parallel_nums: 3,
          width: 500,
          height: 200,
        },
        380,
      ),
      difyNode('its', { type: 'iteration-start', title: '', isInIteration: true }, 24, {
        parentId: 'it',
        type: 'custom-iteration-start',
        zIndex: 1002,
      }),
      difyNode(
        'llm',
        {
          type: 'llm',
          title: 'L',
          isInIteration: true,
          iteration_id: 'it',
          model: { provider: 'p', name: 'mock-chat', mode: 'chat', completion_params: {} },
          prompt_template: [{ role: 'user', text: '{{#it.item#}}' }],
        },
        128,
        { parentId: 'it', zIndex: 1002 },
      ),
      difyNode('a', { type: 'answer', title: 'A', answer: '{{#it.output#}}', variables: [] }, 980),
      { id: 'note', type: 'custom-note', data: { type: '', text: 'hello' }, position: { x: 1, y: 1 } },
    ],
    edges: [
      difyEdge('s', 'it', 'start', 'iteration'),
      difyEdge('its', 'llm', 'iteration-start', 'llm', {
        data: { isInIteration: true, iteration_id: 'it', sourceType: 'iteration-start', targetType: 'llm' },
        zIndex: 1002,
      }),
      difyEdge('it', 'a', 'iteration', 'answer'),
    ],
    viewport: { x: 0, y: 0, zoom: 1 },
  };
  return doc;
}

const BASES = [basicDoc, containerDoc];

type Path = Array<string | number>;

/** Every path into the document, iteratively. */
function pathsOf(root: unknown): Path[] {
  const out: Path[] = [];
  const stack: Array<{ value: unknown; path: Path }> = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: Path };
    if (typeof value !== 'object' || value === null) continue;
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [key, child] of entries) {
      out.push([...path, key]);
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return out;
}

type Container = Record<string | number, unknown>;

function parentAt(root: unknown, path: Path): Container | undefined {
  let at: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Container)[key];
  }
  return typeof at === 'object' && at !== null ? (at as Container) : undefined;
}

const SPECIAL = fc.constantFrom<unknown>(
  null,
  '',
  0,
  -1,
  1e308,
  true,
  [],
  {},
  'custom-note',
  'iteration-start',
  'code',
  'app',
  'chat',
  '0.9.0',
  '0.1',
  'sys',
  'yes',
  '1:20',
  '2024-01-01',
  '{{#x.y#}}',
  '__proto__',
);
const mutation = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'special', 'duplicate'),
  value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), SPECIAL),
});

function mutate(doc: unknown, mutations: Array<{ pick: number; kind: string; value: unknown }>): unknown {
  for (const m of mutations) {
    const paths = pathsOf(doc);
    if (paths.length === 0) return m.value;
    const path = paths[m.pick % paths.length];
    const parent = parentAt(doc, path);
    if (!parent) continue;
    const key = path[path.length - 1];
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (m.kind === 'duplicate' && Array.isArray(parent)) {
      parent.push(structuredClone(parent[Number(key)]));
    } else {
      parent[key] = m.value;
    }
  }
  return doc;
}

function expectResult(result: DifyImportResult): void {
  if (result.ok) {
    expect(Array.isArray(result.warnings)).toBe(true);
    return;
  }
  expect([400, 422]).toContain(result.status);
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) expect(typeof issue.message).toBe('string');
}

// Runs per property: about 3,000 documents in all. Each costs a few YAML reads and writes.
const RUNS = { roundTrip: 500, damaged: 1000, arbitrary: 1500 };

describe('importDifyDsl under mutation', () => {
  it('returns a result for mutated documents, and what it accepts parses, exports and round-trips', () => {
    fc.assert(
      fc.property(fc.nat(BASES.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (base, mutations) => {
        const text = toYaml(mutate(BASES[base](), mutations));
        const result = importDifyDsl(text, { supportedNodeTypes: TYPES, knownModels: ['mock-chat'], modelMap: { 'gpt-4o': 'mock-chat' } });
        expectResult(result);
        if (!result.ok) return;
        const parsed = parseWorkflowGraph(result.workflow.graph);
        expect(typeof parsed.ok).toBe('boolean');
        const again = importDifyDsl(exportDifyDsl(result.workflow), { supportedNodeTypes: TYPES });
        if (!again.ok) throw new Error(`re-import failed: ${JSON.stringify(again.issues)}`);
        expect(again.workflow.graph).toEqual(result.workflow.graph);
      }),
      { numRuns: RUNS.roundTrip },
    );
  });

  it('returns a result for damaged text', () => {
    const texts = BASES.map((b) => toYaml(b()));
    const edit = fc.record({
      at: fc.nat(),
      len: fc.nat(40),
      insert: fc.string({
        maxLength: 8,
        unit: fc.constantFrom(':', '-', ' ', '\n', '\t', '[', '{', '&a', '*a', '!!', '"', "'", '#', '|', 'x', '\u0000', '\uD800'),
      }),
    });
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.array(edit, { minLength: 1, maxLength: 5 }), (base, edits) => {
        let text = texts[base];
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.len);
        }
        const result = importDifyDsl(text);
        expectResult(result);
        if (result.ok) expect(typeof parseWorkflowGraph(result.workflow.graph).ok).toBe('boolean');
      }),
      { numRuns: RUNS.damaged },
    );
  });

  it('returns a result for arbitrary YAML values and arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue().map((v) => toYaml(v)),
          fc.string({ maxLength: 200 }),
        ),
        (text) => {
          expectResult(importDifyDsl(text));
        },
      ),
      { numRuns: RUNS.arbitrary },
    );
  });
});
