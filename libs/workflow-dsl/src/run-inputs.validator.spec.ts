import { parseWorkflowGraph, validateRunInputs, type WorkflowGraph } from './index';

function graphWith(variables: Array<Record<string, unknown>>): WorkflowGraph {
  const result = parseWorkflowGraph({
    nodes: [
      { id: 'start', data: { type: 'start', variables } },
      { id: 'end', data: { type: 'end', outputs: [] } },
    ],
    edges: [{ source: 'start', target: 'end' }],
  });
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
  return result.graph;
}

const graph = graphWith([
  { variable: 'question', label: 'Question', type: 'paragraph', required: true, max_length: 10 },
  { variable: 'lang', type: 'select', options: ['en', 'fr'], default: 'en' },
  { variable: 'count', type: 'number' },
  { variable: 'note', type: 'text-input' },
]);

describe('validateRunInputs', () => {
  it('applies defaults, coerces numeric strings, sets missing optionals to null and drops undeclared inputs', () => {
    const given = JSON.parse('{"question":"why?","count":"3.5","extra":{"a":1},"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const result = validateRunInputs(graph, given);
    expect(result).toEqual({ ok: true, inputs: { question: 'why?', lang: 'en', count: 3.5, note: null } });
    expect(result.ok && Object.keys(result.inputs)).toEqual(['question', 'lang', 'count', 'note']);
    expect(result.ok && Object.getPrototypeOf(result.inputs)).toBe(Object.prototype);
  });

  it('takes checkbox inputs as booleans and json_object inputs as objects, as Dify does', () => {
    const typed = graphWith([
      { variable: 'agree', type: 'checkbox', default: false },
      { variable: 'meta', type: 'json_object', required: true },
    ]);
    expect(validateRunInputs(typed, { meta: { city: 'Lyon', tags: ['a'] } })).toEqual({
      ok: true,
      inputs: { agree: false, meta: { city: 'Lyon', tags: ['a'] } },
    });
    expect(validateRunInputs(typed, { agree: true, meta: {} })).toEqual({ ok: true, inputs: { agree: true, meta: {} } });
    const bad = validateRunInputs(typed, { agree: 'yes', meta: ['not', 'an', 'object'] });
    expect(bad.ok ? [] : bad.issues.map((i) => [i.path, i.code])).toEqual([
      ['inputs.agree', 'invalid_type'],
      ['inputs.meta', 'invalid_type'],
    ]);
    expect(validateRunInputs(typed, { meta: { big: 'x'.repeat(200) } }, { maxInputBytes: 100 }).ok).toBe(false);
    expect(() => graphWith([{ variable: 'agree', type: 'checkbox', default: 'no' }])).toThrow(/must be a boolean for a checkbox variable/);
  });

  it('caps each text input and all of them together in UTF-8 bytes, with configurable limits', () => {
    expect(validateRunInputs(graph, { question: 'q', note: 'x'.repeat(200 * 1024) }).ok).toBe(true);
    expect(validateRunInputs(graph, { question: 'q', note: 'é'.repeat(100 * 1024 + 1) })).toEqual({
      ok: false,
      issues: [
        { path: 'inputs.note', code: 'too_big', message: `inputs.note must be at most ${200 * 1024} bytes (got ${200 * 1024 + 2})` },
      ],
    });
    expect(validateRunInputs(graph, { question: 'q', note: 'abcdef' }, { maxInputBytes: 5 }).ok).toBe(false);
    // 'abcd' twice and the default 'en'.
    expect(validateRunInputs(graph, { question: 'abcd', note: 'abcd' }, { maxTotalInputBytes: 7 })).toEqual({
      ok: false,
      issues: [{ path: 'inputs', code: 'too_big', message: 'inputs must be at most 7 bytes together (got at least 10)' }],
    });
  });

  it('takes file and file-list inputs by URL, as Dify file objects, and refuses uploads, other schemes, kinds and counts', () => {
    const files = graphWith([
      { variable: 'doc', type: 'file', allowed_file_types: ['document'] },
      { variable: 'pics', type: 'file-list', max_length: 2, allowed_file_types: ['image'] },
    ]);
    const ok = validateRunInputs(files, {
      doc: { type: 'document', transfer_method: 'remote_url', url: 'https://example.com/a/report.PDF' },
      pics: [{ type: 'image', url: 'https://example.com/x.png' }],
    });
    expect(ok).toEqual({
      ok: true,
      inputs: {
        doc: expect.objectContaining({
          type: 'document',
          transfer_method: 'remote_url',
          url: 'https://example.com/a/report.PDF',
          filename: 'report.PDF',
          extension: '.pdf',
        }),
        pics: [expect.objectContaining({ type: 'image', url: 'https://example.com/x.png', dify_model_identity: '__dify__file__' })],
      },
    });
    expect(validateRunInputs(files, {})).toEqual({ ok: true, inputs: { doc: null, pics: null } });
    const bad = (inputs: object) => {
      const r = validateRunInputs(files, inputs);
      return r.ok ? [] : r.issues.map((i) => i.message);
    };
    expect(bad({ doc: { type: 'document', transfer_method: 'local_file', upload_file_id: 'f1' } })).toEqual([
      expect.stringMatching(/^inputs\.doc names upload 'f1', which cannot be looked up here/),
    ]);
    expect(bad({ doc: 'file:///etc/passwd' })).toEqual([expect.stringMatching(/scheme is not http or https/)]);
    expect(bad({ doc: { type: 'image', url: 'https://example.com/x.png' } })).toEqual([expect.stringMatching(/takes 'document'/)]);
    expect(bad({ pics: ['https://a.example/1.png', 'https://a.example/2.png', 'https://a.example/3.png'] })).toEqual([
      expect.stringMatching(/at most 2 files \(got 3\)/),
    ]);
    expect(bad({ pics: [{ type: 'image', url: 'https://a.example/1.png' }, 42] })).toEqual([
      expect.stringMatching(/^inputs\.pics\[1\] must be a file/),
    ]);
  });

  it('reports every bad input at inputs.<variable>', () => {
    const result = validateRunInputs(graph, { question: '', lang: 'de', count: 'many', note: 42 });
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: 'inputs.question', code: 'required', message: 'inputs.question is required (Question)' },
        { path: 'inputs.lang', code: 'invalid_value', message: "inputs.lang must be one of 'en', 'fr' (got string 'de')" },
        { path: 'inputs.count', code: 'invalid_type', message: "inputs.count must be a number (got string 'many')" },
        { path: 'inputs.note', code: 'invalid_type', message: 'inputs.note must be a string (got number 42)' },
      ],
    });
  });

  it('counts max_length in characters, not UTF-16 units', () => {
    expect(validateRunInputs(graph, { question: '😀'.repeat(10) }).ok).toBe(true);
    expect(validateRunInputs(graph, { question: '😀'.repeat(11) })).toEqual({
      ok: false,
      issues: [{ path: 'inputs.question', code: 'too_big', message: 'inputs.question must be at most 10 characters (got 11)' }],
    });
  });

  it('rejects inputs that are not an object, and hex or infinite numbers', () => {
    expect(validateRunInputs(graph, ['why?'])).toEqual({
      ok: false,
      issues: [{ path: 'inputs', code: 'invalid_type', message: 'inputs must be an object (got an array)' }],
    });
    const result = validateRunInputs(graph, { question: 'q', count: '0x10' });
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['inputs.count']);
    expect(validateRunInputs(graph, { question: 'q', count: Infinity }).ok).toBe(false);
  });
});
