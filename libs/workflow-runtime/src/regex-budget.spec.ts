// The runtime's regular expressions on user data (condition values, list-operator serials and filter
// values, template error messages), fed adversarial strings. Timed as a ratio against a benign input of
// the same length through the same function, never as an absolute.
import { performance } from 'node:perf_hooks';
import { evaluateCondition, toBoolean } from './nodes/condition.evaluator';
import { renderJinja2 } from './nodes/jinja2.renderer';

const N = 20_000;

function fastest(fn: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    try {
      fn();
    } catch {
      // Refusing the input is an answer too; only its cost matters here.
    }
    best = Math.min(best, performance.now() - t0);
  }
  return Math.max(best, 0.05);
}

function expectLinear(name: string, run: (input: string) => unknown, benign: string, adversarial: string): void {
  expect(adversarial.length).toBe(benign.length);
  const ratio = fastest(() => run(adversarial)) / fastest(() => run(benign));
  if (ratio > 25) throw new Error(`${name}: adversarial input took ${ratio.toFixed(1)}x the benign one`);
}

describe('runtime regular expressions on user data stay linear', () => {
  const benign = 'a'.repeat(N);
  it('numbers in conditions (=, >, booleans)', () => {
    for (const adversarial of [
      `${'1'.repeat(N - 1)}x`,
      `${'1'.repeat(N / 2)}.${'1'.repeat(N / 2 - 2)}x`,
      `1e${'1'.repeat(N - 3)}x`,
      `${' '.repeat(N - 1)}x`,
    ]) {
      expectLinear('=', (s) => evaluateCondition('=', 3, s), benign, adversarial);
      expectLinear('>', (s) => evaluateCondition('>', 3, s), benign, adversarial);
      expectLinear('toBoolean', (s) => toBoolean(s), benign, adversarial);
    }
  });

  it('template error messages that quote the template', () => {
    expectLinear(
      'jinja2 error',
      (s) => renderJinja2(`{{ x | ${s} }}`, {}),
      `${benign.slice(0, N - 1)}b`,
      `${'Error'.repeat(N / 5 - 1)}Erro_`,
    );
  });
});
