// Every regular expression this lib applies to user input, fed adversarial strings. Time is compared
// as a ratio against a benign input of the same length through the same function, never as an absolute.
import { performance } from 'node:perf_hooks';
import {
  compileTemplate,
  formatPath,
  NODE_ID_PATTERN,
  parseVariableReferences,
  parseWorkflowGraph,
  validateStartNodeInputs,
  type StartVariable,
} from './index';

const N = 20_000;

function fastest(fn: () => unknown, rounds = 7): number {
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  // Timer resolution: never divide by zero.
  return Math.max(best, 0.05);
}

function expectLinear(name: string, run: (input: string) => unknown, benign: string, adversarial: string): void {
  expect(adversarial.length).toBe(benign.length);
  run(benign);
  run(adversarial);
  const ratio = fastest(() => run(adversarial)) / fastest(() => run(benign));
  // A backtracking pattern is thousands of times slower here; linear ones stay within noise.
  if (ratio > 25) throw new Error(`${name}: adversarial input took ${ratio.toFixed(1)}x the benign one`);
}

const numberVar: StartVariable[] = [{ variable: 'n', label: 'n', type: 'number', required: true }];
const noCap = {
  maxNumberLength: Number.MAX_SAFE_INTEGER,
  maxInputBytes: Number.MAX_SAFE_INTEGER,
  maxTotalInputBytes: Number.MAX_SAFE_INTEGER,
};

describe('regular expressions on user input stay linear', () => {
  it('number inputs, even without the length cap', () => {
    const parse = (text: string) => validateStartNodeInputs(numberVar, { n: text }, noCap);
    const benign = '1'.repeat(N);
    expectLinear('digits then a letter', parse, benign, `${'1'.repeat(N - 1)}x`);
    expectLinear('digits, dot, digits then a letter', parse, benign, `${'1'.repeat(N / 2)}.${'1'.repeat(N / 2 - 2)}x`);
    expectLinear('spaces then a letter', parse, benign, `${' '.repeat(N - 1)}x`);
    expectLinear('exponent digits then a letter', parse, benign, `1e${'1'.repeat(N - 3)}x`);
  });

  it('number inputs longer than the cap are refused before parsing', () => {
    const result = validateStartNodeInputs(numberVar, { n: '1'.repeat(100_000) });
    expect(result).toEqual({
      ok: false,
      issues: [{ path: 'inputs.n', code: 'too_big', message: 'inputs.n must be a number of at most 64 characters (got 100000)' }],
    });
    expect(validateStartNodeInputs(numberVar, { n: ' 12.5e3 ' })).toEqual({ ok: true, inputs: { n: 12500 } });
  });

  it('{{#…#}} references in templates', () => {
    const benign = 'a'.repeat(N);
    const cases = {
      'an unclosed reference with a long id': `{{#${'a'.repeat(N - 3)}`,
      'many field segments, unclosed': `{{#a${'.a'.repeat(N / 2)}`.slice(0, N - 1) + '#',
      'repeated openers': '{{#'.repeat(N / 3).padEnd(N, 'a'),
      'repeated near-misses': '{{#a.b#}'.repeat(N / 8),
    };
    for (const [name, text] of Object.entries(cases)) {
      expectLinear(`parseVariableReferences: ${name}`, parseVariableReferences, benign, text);
      expectLinear(`compileTemplate: ${name}`, compileTemplate, benign, text);
    }
  });

  it('node ids, variable names and paths', () => {
    const benign = 'a'.repeat(N);
    expectLinear('NODE_ID_PATTERN', (s) => NODE_ID_PATTERN.test(s), benign, `${'a'.repeat(N - 1)} `);
    expectLinear('formatPath', (s) => formatPath(['nodes', s]), benign, `${'a'.repeat(N - 1)}-`);
    const graphWithVariable = (name: string) => ({
      nodes: [
        { id: 'start', data: { type: 'start', variables: [{ variable: name, type: 'text-input' }] } },
        { id: 'end', data: { type: 'end' } },
      ],
      edges: [{ source: 'start', target: 'end' }],
    });
    expectLinear('start variable names', (s) => parseWorkflowGraph(graphWithVariable(s)), benign, `${'a'.repeat(N - 1)}-`);
  });
});
