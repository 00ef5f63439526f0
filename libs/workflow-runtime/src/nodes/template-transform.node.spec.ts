import { executeRun } from '../index';
import { fakePorts, graph } from '../fake-ports.spec-helper';
import { renderJinja2, TemplateRenderError } from './jinja2.renderer';

const flow = (template: string, variables = [{ variable: 'q', value_selector: ['start', 'q'] }]) =>
  graph({
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } },
      { id: 'tt', data: { type: 'template-transform', variables, template } },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'out', value_selector: ['tt', 'output'] }] } },
    ],
    edges: [
      { source: 'start', target: 'tt' },
      { source: 'tt', target: 'end' },
    ],
  });

const run = (template: string, inputs: Record<string, unknown>) =>
  executeRun({
    runId: 'run_1',
    workflowId: 'wf_1',
    workflowVersionId: 'wfv_1',
    graph: flow(template),
    inputs,
    finished: [],
    ports: fakePorts(),
  });

describe('template-transform (Jinja2 through nunjucks)', () => {
  it('renders its variables with Jinja2 syntax: filters, loops, conditionals', async () => {
    const ok = await run('{{ q | upper }}{% if q | length > 3 %}!{% endif %} {% for i in range(3) %}{{ i }}{% endfor %}', { q: 'hello' });
    expect(ok).toMatchObject({ status: 'succeeded', outputs: { out: 'HELLO! 012' } });
  });

  it('knows the Python string and mapping methods Dify’s templates use, as closures over data only', () => {
    const v = { s: '  Ada Lovelace?  ', o: { a: 1, b: 2 } };
    expect(renderJinja2("{{ s.strip().upper() }}|{{ s.strip().endswith('?') }}|{{ s.strip().startswith('Ada') }}", v)).toBe(
      'ADA LOVELACE?|true|true',
    );
    expect(renderJinja2("{{ s.split() | join(',') }}|{{ s.replace('a', '4') }}|{{ s.find('L') }}|{{ s.count('a') }}", v)).toBe(
      'Ada,Lovelace?|  Ad4 Lovel4ce?  |6|2',
    );
    expect(renderJinja2("{% for k, x in o.items() %}{{ k }}={{ x }};{% endfor %}{{ o.get('c', 'none') }}", v)).toBe('a=1;b=2;none');
    // a method is a fresh function over its string: nothing reachable through it
    expect(renderJinja2('{{ s.upper.constructor }}{{ s.upper.call }}{{ o.items.constructor }}', v)).toBe('');
  });

  it('reaches data only: no prototypes, constructors or functions', () => {
    const attacks = [
      "{{ ''.constructor.constructor('return process')() }}",
      '{{ q.constructor }}{{ q.__proto__ }}{{ constructor }}{{ toString }}',
      "{{ range.constructor('return 1')() }}",
      '{{ o.toString }}{{ o.hasOwnProperty }}',
    ];
    for (const template of attacks) {
      let out: string;
      try {
        out = renderJinja2(template, { q: 'x', o: { a: 1 } });
      } catch (error) {
        expect(error).toBeInstanceOf(TemplateRenderError);
        continue;
      }
      expect(out).not.toMatch(/function|process|\[object/);
    }
    expect(renderJinja2('{{ o.a }} {{ l[1] }} {{ l.length }} {{ q[0] }}', { o: { a: 1 }, l: ['x', 'y'], q: 'hi' })).toBe('1 y 2 h');
  });

  it('bounds work and output size, and refuses include/import', () => {
    expect(() =>
      renderJinja2(
        '{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}',
        {},
      ),
    ).toThrow('operations');
    expect(() => renderJinja2('{% for i in range(100000) %}{{ big }}{% endfor %}', { big: 'x'.repeat(1000) })).toThrow(
      'Output length exceeds 400000 characters',
    );
    expect(() => renderJinja2('{{ range(1e9) }}', {})).toThrow('range()');
    expect(() => renderJinja2('{% include "/etc/passwd" %}', {})).toThrow(TemplateRenderError);
  });

  it("divides as Python does: by zero raises (Jinja2's ZeroDivisionError), never Infinity or NaN", () => {
    expect(renderJinja2('{{ 7 // 2 }} {{ 7 / 2 }} {{ 7 % 4 }}', {})).toBe('3 3.5 3');
    expect(() => renderJinja2('{{ 10 // (n - 3) }}', { n: 3 })).toThrow('integer division or modulo by zero');
    expect(() => renderJinja2('{{ 1 / 0 }}', {})).toThrow('division by zero');
    expect(() => renderJinja2('{{ 5 % 0 }}', {})).toThrow('integer division or modulo by zero');
  });

  it('fails the node with the template error', async () => {
    const outcome = await run('{{ q | nosuchfilter }}', { q: 'x' });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe('Node tt (tt) failed: filter not found: nosuchfilter');
  });
});
