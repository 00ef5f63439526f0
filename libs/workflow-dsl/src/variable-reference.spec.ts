import { compileTemplate, parseVariableReferences, renderTemplate } from './index';

describe('variable references', () => {
  it('finds node, dotted and sys references in order', () => {
    expect(
      parseVariableReferences('Q: {{#start.question#}} ({{#llm.usage.total_tokens#}}) by {{#sys.user_id#}} / {{#1718.text#}}'),
    ).toEqual([
      { selector: ['start', 'question'], raw: '{{#start.question#}}' },
      { selector: ['llm', 'usage', 'total_tokens'], raw: '{{#llm.usage.total_tokens#}}' },
      { selector: ['sys', 'user_id'], raw: '{{#sys.user_id#}}' },
      { selector: ['1718', 'text'], raw: '{{#1718.text#}}' },
    ]);
  });

  it('ignores text that only looks like a reference', () => {
    expect(parseVariableReferences('{{#start#}} {{start.question}} {{#start.question} {{# a.b #}} {{#context#}}')).toEqual([]);
  });

  it('renders values as text: strings as-is, numbers, objects as JSON, null as empty, unresolved as the selector (as Dify does)', () => {
    const values: Record<string, unknown> = {
      'start.q': 'why?',
      'start.n': 3,
      'llm.usage': { total_tokens: 7 },
      'a.list': ['x', 'y'],
      'a.none': null,
      'a.flag': false,
    };
    const lookup = (selector: readonly string[]) => values[selector.join('.')];
    expect(
      renderTemplate(
        '{{#start.q#}} n={{#start.n#}} u={{#llm.usage#}} l={{#a.list#}} none=[{{#a.none#}}] missing=[{{#x.y#}}] f={{#a.flag#}}',
        lookup,
      ),
    ).toBe('why? n=3 u={"total_tokens":7} l=["x","y"] none=[] missing=[x.y] f=false');
  });

  it('compiles once and renders the same text as renderTemplate', () => {
    const template = compileTemplate('A {{#a.b#}}{{#c.d#}} B');
    expect(template.parts).toEqual(['A ', ['a', 'b'], ['c', 'd'], ' B']);
    expect(compileTemplate('plain').parts).toEqual(['plain']);
  });
});
