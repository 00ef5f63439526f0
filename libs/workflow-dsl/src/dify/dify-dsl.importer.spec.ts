import { parseWorkflowGraph } from '../graph.parser';
import { NODE_TYPES } from '../nodes/node-registry';
import { importDifyDsl } from './dify-dsl.importer';
import { exportDifyDsl } from './dify-dsl.exporter';
import type { DifyImportResult } from './dify-dsl.types';
import { basicDoc, difyEdge, difyNode, toYaml } from './dify-dsl.spec-helper';

/** The registry's types when this was written; tests that list unsupported types pin them, as the registry grows. */
const TODAY = ['start', 'llm', 'end'];

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test documents are edited freely

function doc(edit?: (d: Doc) => void): string {
  const d = basicDoc() as Doc;
  edit?.(d);
  return toYaml(d);
}

function failed(result: DifyImportResult) {
  if (result.ok) throw new Error('expected the import to fail');
  return result;
}

function imported(result: DifyImportResult) {
  if (!result.ok) throw new Error(`expected the import to succeed: ${JSON.stringify(result.issues)}`);
  return result;
}

describe('importDifyDsl: envelope', () => {
  it('reads a Dify export into a graph that parseWorkflowGraph accepts', () => {
    const { workflow, warnings } = imported(importDifyDsl(doc()));
    expect(workflow).toMatchObject({
      name: 'basic',
      description: 'a test',
      mode: 'workflow',
      dsl_version: '0.3.1',
      environment_variables: [],
      conversation_variables: [],
    });
    expect(workflow.features).toEqual({ file_upload: { enabled: false }, opening_statement: '' });
    expect(warnings).toEqual([]);
    expect(parseWorkflowGraph(workflow.graph).ok).toBe(true);
  });

  it('takes a missing version as 0.1.0, as Dify does', () => {
    expect(imported(importDifyDsl(doc((d) => delete d.version))).workflow.dsl_version).toBe('0.1.0');
  });

  it.each(['0.1.0', '0.1.5', '0.2.0', '0.3.1', '0.4.0', '0.5.0', '0.6.0'])('accepts version %s', (version) => {
    expect(importDifyDsl(doc((d) => (d.version = version))).ok).toBe(true);
  });

  it('accepts a newer patch of the newest minor with a warning', () => {
    const { warnings } = imported(importDifyDsl(doc((d) => (d.version = '0.6.3'))));
    expect(warnings.map((w) => w.code)).toEqual(['newer_patch_version']);
  });

  it.each([
    ['0.7.0', 'unsupported_version'],
    ['1.0.0', 'unsupported_version'],
    ['latest', 'invalid_version'],
  ])('refuses version %s with %s', (version, code) => {
    const result = failed(importDifyDsl(doc((d) => (d.version = version))));
    expect(result.status).toBe(422);
    expect(result.issues).toEqual([expect.objectContaining({ path: 'version', code })]);
    expect(result.issues[0].message).toContain(version);
  });

  it('refuses an unquoted version, which YAML reads as a number', () => {
    const result = failed(importDifyDsl(doc().replace("version: '0.3.1'", 'version: 0.3').replace('version: 0.3.1', 'version: 0.3')));
    expect(result.issues[0]).toMatchObject({ code: 'invalid_version' });
    expect(result.issues[0].message).toContain('quote it');
  });

  it.each([
    ['chat', 'basic chatbot'],
    ['agent-chat', 'agent'],
    ['completion', 'text generator'],
  ])("refuses a '%s' app, naming it and what Shoal runs", (mode, name) => {
    const result = failed(importDifyDsl(doc((d) => (d.app.mode = mode))));
    expect(result).toMatchObject({ status: 422, issues: [{ path: 'app.mode', code: 'unsupported_mode' }] });
    expect(result.issues[0].message).toContain(name);
    expect(result.issues[0].message).toContain(`app.mode is '${mode}'`);
    expect(result.issues[0].message).toContain("Shoal runs 'workflow' and 'advanced-chat'");
  });

  it('accepts advanced-chat', () => {
    expect(imported(importDifyDsl(doc((d) => (d.app.mode = 'advanced-chat')))).workflow.mode).toBe('advanced-chat');
  });

  it('refuses a file that is not an app: no kind, another kind, a bare graph', () => {
    expect(failed(importDifyDsl(doc((d) => delete d.kind))).issues[0]).toMatchObject({
      code: 'not_an_app',
      message: expect.stringContaining('has no kind'),
    });
    expect(failed(importDifyDsl(doc((d) => (d.kind = 'rag_pipeline')))).issues[0].message).toContain("kind 'rag_pipeline'");
    const bare = failed(importDifyDsl(toYaml({ nodes: [], edges: [] })));
    expect(bare).toMatchObject({ status: 422, issues: [{ code: 'not_an_app' }] });
    expect(bare.issues[0].message).toContain('bare graph');
    expect(failed(importDifyDsl('- a\n- b\n')).issues[0].code).toBe('not_a_mapping');
  });

  it('refuses an app without app or workflow sections', () => {
    expect(failed(importDifyDsl(doc((d) => delete d.app))).issues[0].code).toBe('missing_app');
    expect(failed(importDifyDsl(doc((d) => delete d.workflow))).issues[0].code).toBe('missing_workflow');
    expect(failed(importDifyDsl(doc((d) => (d.workflow.graph = 'x')))).issues[0]).toMatchObject({
      path: 'workflow.graph',
      code: 'invalid_graph',
    });
    expect(failed(importDifyDsl(doc((d) => (d.workflow.graph.nodes[1] = 7)))).issues[0]).toMatchObject({
      path: 'workflow.graph.nodes[1]',
      code: 'invalid_graph',
    });
  });

  it('checks environment and conversation variables are lists of named mappings', () => {
    const result = failed(
      importDifyDsl(doc((d) => ((d.workflow.environment_variables = [{ value: 1 }]), (d.workflow.conversation_variables = 'x')))),
    );
    expect(result.issues.map((i) => i.path)).toEqual(['workflow.environment_variables[0]', 'workflow.conversation_variables']);
  });
});

describe('importDifyDsl: bounds and YAML errors', () => {
  it('reports a YAML syntax error as a 400 with its line and column', () => {
    const result = failed(importDifyDsl('kind: app\napp:\n  name: x\n  mode: [workflow\nversion: 0.1.0\n'));
    expect(result.status).toBe(400);
    expect(result.issues[0]).toMatchObject({ code: 'yaml_syntax', line: expect.any(Number), column: expect.any(Number) });
    expect(result.issues[0].message).toMatch(/^invalid YAML at line \d+, column \d+: /);
  });

  it('points at the line of a duplicate key', () => {
    const result = failed(importDifyDsl('kind: app\nversion: 0.1.0\nkind: app\n'));
    expect(result.issues[0]).toMatchObject({ code: 'yaml_syntax', line: 3 });
  });

  it('refuses text over the size limit before parsing it', () => {
    const result = failed(importDifyDsl(doc(), { maxBytes: 100 }));
    expect(result).toMatchObject({ status: 400, issues: [{ code: 'too_large' }] });
  });

  it('counts bytes, not characters', () => {
    const text = `kind: app\n# ${'é'.repeat(60)}\n`;
    expect(text.length).toBeLessThan(100);
    expect(failed(importDifyDsl(text, { maxBytes: 100 })).issues[0].code).toBe('too_large');
  });

  it('refuses an alias bomb', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const result = failed(importDifyDsl(bomb.join('\n')));
    expect(result).toMatchObject({ status: 400, issues: [{ code: 'too_many_aliases' }] });
  });

  it('refuses nesting deeper than the limit', () => {
    expect(failed(importDifyDsl(`kind: app\nx: ${'['.repeat(80)}${']'.repeat(80)}\n`)).issues[0].code).toBe('too_deep');
    expect(failed(importDifyDsl(doc(), { maxDepth: 5 })).issues[0].code).toBe('too_deep');
  });

  it('reads YAML 1.1 as Dify writes it, but keeps dates as text', () => {
    const { workflow } = imported(
      importDifyDsl(doc((d) => (d.app.description = 'x')).replace('description: x', 'description: 2024-01-01')),
    );
    expect(workflow.description).toBe('2024-01-01');
  });

  it('never throws on non-string input', () => {
    expect(failed(importDifyDsl(42 as unknown as string)).status).toBe(400);
  });
});

describe('importDifyDsl: graph', () => {
  it("drops the editor's UI fields and keeps Dify's data", () => {
    const { workflow } = imported(importDifyDsl(doc()));
    for (const node of workflow.graph.nodes) expect(Object.keys(node).sort()).toEqual(['data', 'id']);
    expect(workflow.graph.nodes[1].data).toMatchObject({ context: { enabled: false, variable_selector: [] }, vision: { enabled: false } });
    expect(workflow.graph.nodes[1].data).not.toHaveProperty('selected');
    expect(workflow.graph.edges[0]).toEqual({
      id: '1732000000001-source-llm-target',
      source: '1732000000001',
      target: 'llm',
      sourceHandle: 'source',
      targetHandle: 'target',
      data: { isInIteration: false, isInLoop: false },
    });
    expect(workflow.graph).not.toHaveProperty('viewport');
  });

  it('keeps parentId and the container fields of edges', () => {
    const text = doc((d) => {
      d.workflow.graph.nodes.push(
        difyNode('it', { type: 'iteration', title: 'It', start_node_id: 'itstart', width: 400, height: 200 }, 900),
      );
      d.workflow.graph.nodes.push(
        difyNode('itstart', { type: 'iteration-start', isInIteration: true, title: '' }, 24, {
          parentId: 'it',
          type: 'custom-iteration-start',
          draggable: false,
          zIndex: 1002,
        }),
      );
      d.workflow.graph.edges.push(
        difyEdge('itstart', 'end', 'iteration-start', 'end', {
          data: { isInIteration: true, iteration_id: 'it', sourceType: 'iteration-start', targetType: 'end' },
        }),
      );
    });
    const { workflow } = imported(importDifyDsl(text, { supportedNodeTypes: ['start', 'llm', 'end', 'iteration'] }));
    expect(workflow.graph.nodes[4]).toEqual({
      id: 'itstart',
      parentId: 'it',
      data: { desc: '', type: 'iteration-start', isInIteration: true, title: '' },
    });
    expect(workflow.graph.edges[2].data).toEqual({ isInIteration: true, iteration_id: 'it' });
  });

  it('fills missing edge handles and ids as the editor does', () => {
    const { workflow } = imported(
      importDifyDsl(
        doc(
          (d) =>
            (d.workflow.graph.edges = [
              { source: '1732000000001', target: 'llm' },
              { source: 'llm', target: 'end', sourceHandle: null },
            ]),
        ),
      ),
    );
    expect(workflow.graph.edges).toEqual([
      { id: '1732000000001-source-llm-target', source: '1732000000001', target: 'llm', sourceHandle: 'source', targetHandle: 'target' },
      { id: 'llm-source-end-target', source: 'llm', target: 'end', sourceHandle: 'source', targetHandle: 'target' },
    ]);
  });

  it('keeps no empty id on an edge without a source, so export and re-import give the same edge', () => {
    const { workflow } = imported(importDifyDsl(doc((d) => (d.workflow.graph.edges = [{ id: null, target: 'llm' }]))));
    expect(workflow.graph.edges).toEqual([{ target: 'llm', sourceHandle: 'source', targetHandle: 'target' }]);
    const again = imported(importDifyDsl(exportDifyDsl(workflow)));
    expect(again.workflow.graph.edges).toEqual(workflow.graph.edges);
  });

  it('drops note nodes with a warning', () => {
    const { workflow, warnings } = imported(
      importDifyDsl(
        doc((d) =>
          d.workflow.graph.nodes.push({ id: 'n1', type: 'custom-note', data: { type: '', text: 'hi' }, position: { x: 0, y: 0 } }),
        ),
      ),
    );
    expect(workflow.graph.nodes.map((n) => n.id)).toEqual(['1732000000001', 'llm', 'end']);
    expect(warnings).toEqual([expect.objectContaining({ code: 'note_dropped' })]);
  });

  it('lists every unsupported node in one 422', () => {
    const result = failed(
      importDifyDsl(
        doc((d) => {
          d.workflow.graph.nodes.push(difyNode('code1', { type: 'code', title: 'Code' }));
          d.workflow.graph.nodes.push(difyNode('http1', { type: 'http-request', title: 'HTTP' }));
        }),
        { supportedNodeTypes: TODAY },
      ),
    );
    expect(result.status).toBe(422);
    expect(result.issues.map((i) => [i.nodeId, i.code, i.path])).toEqual([
      ['code1', 'unsupported_node_type', 'workflow.graph.nodes[3].data.type'],
      ['http1', 'unsupported_node_type', 'workflow.graph.nodes[4].data.type'],
    ]);
    expect(result.issues[0].message).toContain("type 'code'");
    expect(result.issues[0].message).toContain('supported types: end, llm, start');
  });

  it('takes the supported types as an option, with container parts coming with their container', () => {
    const text = doc((d) => {
      d.workflow.graph.nodes.push(difyNode('lp', { type: 'loop', title: 'Loop' }));
      d.workflow.graph.nodes.push(difyNode('lps', { type: 'loop-start', title: '' }, 0, { parentId: 'lp' }));
      d.workflow.graph.nodes.push(difyNode('lpe', { type: 'loop-end', title: '' }, 0, { parentId: 'lp' }));
    });
    expect(importDifyDsl(text, { supportedNodeTypes: ['start', 'llm', 'end', 'loop'] }).ok).toBe(true);
    expect(failed(importDifyDsl(text, { supportedNodeTypes: TODAY })).issues.map((i) => i.nodeId)).toEqual(['lp', 'lps', 'lpe']);
  });

  it("reads the legacy 'variable-assigner' as the variable aggregator when only that is supported", () => {
    const text = doc((d) => d.workflow.graph.nodes.push(difyNode('agg', { type: 'variable-assigner', title: 'Agg', variables: [] })));
    const { workflow, warnings } = imported(importDifyDsl(text, { supportedNodeTypes: ['start', 'llm', 'end', 'variable-aggregator'] }));
    expect(workflow.graph.nodes[3].data).toMatchObject({ type: 'variable-aggregator' });
    expect(warnings.map((w) => w.code)).toEqual(['legacy_node_type']);
  });
});

describe('importDifyDsl: models', () => {
  it('keeps the model name as the alias and renames through the model map', () => {
    expect(imported(importDifyDsl(doc())).workflow.graph.nodes[1].data).toMatchObject({
      model: { name: 'gpt-4o', provider: 'langgenius/openai/openai' },
    });
    const { workflow } = imported(importDifyDsl(doc(), { modelMap: { 'gpt-4o': 'deepseek-flash' } }));
    expect(workflow.graph.nodes[1].data).toMatchObject({
      model: { name: 'deepseek-flash', mode: 'chat', completion_params: { temperature: 0.7 } },
    });
  });

  it('warns about each model no known alias serves, and only then', () => {
    const { warnings } = imported(importDifyDsl(doc(), { knownModels: ['deepseek-flash'] }));
    expect(warnings).toEqual([
      {
        path: 'workflow.graph.nodes[1].data.model.name',
        nodeId: 'llm',
        code: 'model_not_served',
        message: expect.stringContaining("'gpt-4o'"),
      },
    ]);
    expect(
      imported(importDifyDsl(doc(), { knownModels: new Set(['deepseek-flash']), modelMap: { 'gpt-4o': 'deepseek-flash' } })).warnings,
    ).toEqual([]);
    expect(imported(importDifyDsl(doc())).warnings).toEqual([]);
  });

  it('does not read the model map through the prototype', () => {
    const { workflow } = imported(importDifyDsl(doc((d) => (d.workflow.graph.nodes[1].data.model.name = 'toString'))));
    expect(workflow.graph.nodes[1].data).toMatchObject({ model: { name: 'toString' } });
  });
});

describe('importDifyDsl: YAML 1.1 as PyYAML reads it', () => {
  it('reads y and n as strings and yes/no/on/off as booleans', () => {
    const text = doc((d) => (d.workflow.graph.nodes[0].data.desc = 'DESC'))
      .replace('title: Start', 'title: y')
      .replace('desc: DESC', 'desc: n');
    const { workflow } = imported(importDifyDsl(text.replace('use_icon_as_answer_icon: false', 'use_icon_as_answer_icon: off')));
    expect(workflow.graph.nodes[0].data).toMatchObject({ title: 'y', desc: 'n' });
    const flags = imported(
      importDifyDsl(
        doc((d) => (d.workflow.features = { a: 'AAA', b: 'BBB', c: 'CCC' }))
          .replace('AAA', 'yes')
          .replace('BBB', 'Off')
          .replace('CCC', '1:20'),
      ),
    );
    expect(flags.workflow.features).toEqual({ a: true, b: false, c: 80 });
  });
});

describe('importDifyDsl: pathological YAML', () => {
  it('reports a flow nesting deep enough to exhaust the parser as too deep, not as a crash', () => {
    for (const text of [`kind: app\nx: ${'['.repeat(200_000)}\n`, `kind: app\nx: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`]) {
      expect(failed(importDifyDsl(text))).toMatchObject({ status: 400, issues: [{ code: 'too_deep' }] });
    }
  });

  it('refuses several documents in one file', () => {
    expect(failed(importDifyDsl(`${doc()}\n---\nkind: app\n`)).issues[0].code).toBe('yaml_syntax');
  });
});

describe('importDifyDsl: default node types', () => {
  it("takes the node registry's types when none are given", () => {
    const result = failed(importDifyDsl(doc((d) => d.workflow.graph.nodes.push(difyNode('x1', { type: 'not-a-dify-type', title: 'X' })))));
    expect(result.issues.map((i) => i.nodeId)).toEqual(['x1']);
    for (const type of NODE_TYPES) expect(result.issues[0].message).toContain(`${type}`);
  });
});
