#!/usr/bin/env node
// Before and after on a machine whose speed moves: two checkouts (each built, e.g. main in a git
// worktree beside this one) measured by chat-loop.mjs in alternating rounds, and each round's CPU
// per request of the serving process divided by the mock provider's in the same window. The mock
// does the same work for every request of every round, so its CPU per request is a gauge of the
// machine's speed at that moment: on 2026-12-02 it moved 0.082–0.191 ms within minutes. The serving
// process's cost follows it along a line, so the two builds are compared on that line, at the same
// machine speed: about ±3 % here, where single runs differed by ±50 % (bench/README.md, "Eleventh round").
// Usage: node bench/ab.mjs --before <checkout> [--after <checkout>] [--pairs 6] [--mode distributed]
//          [--duration 6] [--warmup 6] [-- <more chat-loop.mjs arguments, e.g. --stream --words 200>]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const opt = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const before = opt('before', undefined);
if (!before) {
  console.error('usage: node bench/ab.mjs --before <checkout> [--after <checkout>] [--pairs 6] [--mode distributed] [-- chat-loop args]');
  process.exit(2);
}
const after = path.resolve(opt('after', here));
const pairs = Number(opt('pairs', 6));
const mode = opt('mode', 'distributed');
const dashes = process.argv.indexOf('--');
const passThrough = dashes > 0 ? process.argv.slice(dashes + 1) : [];

function round(root) {
  const args = [path.join(here, 'bench/chat-loop.mjs'), '--root', root, '--mode', mode];
  args.push('--duration', opt('duration', '6'), '--warmup', opt('warmup', '6'), ...passThrough);
  const r = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = `${r.stdout}\n${r.stderr}`;
  const line = /(\d+) req\/s.*CPU ms\/request: [\w-]+ ([\d.]+)/.exec(out);
  const mock = /harness: mock ([\d.]+)/.exec(out);
  if (r.status !== 0 || !line || !mock) throw new Error(`chat-loop.mjs failed for ${root}:\n${out.slice(-2000)}`);
  const [rps, cpu, mockCpu] = [Number(line[1]), Number(line[2]), Number(mock[1])];
  return { rps, cpu, mock: mockCpu, units: cpu / mockCpu };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const results = { before: [], after: [] };
for (let i = 0; i < pairs; i++) {
  // alternate which goes first, so that a trend in the machine's speed favours neither
  const order = i % 2 ? ['after', 'before'] : ['before', 'after'];
  for (const which of order) {
    const r = round(which === 'before' ? path.resolve(before) : after);
    results[which].push(r);
    console.log(
      `${which.padEnd(6)} ${String(r.rps).padStart(6)} req/s  serving ${r.cpu.toFixed(3)} ms/req  mock ${r.mock.toFixed(3)} ms/req  = ${r.units.toFixed(2)} mock units`,
    );
  }
}
const units = (which) => median(results[which].map((r) => r.units));
const spread = (which) => {
  const u = results[which].map((r) => r.units);
  return `${Math.min(...u).toFixed(2)}–${Math.max(...u).toFixed(2)}`;
};
console.log(`before: median ${units('before').toFixed(2)} mock units (${spread('before')})`);
console.log(`after:  median ${units('after').toFixed(2)} mock units (${spread('after')})`);
// The serving process does not slow down in proportion to the mock (a ratio drifts with the
// machine), but it does along a line: serving = a + b × mock. Fitted to every round with one more
// term for "after" (least squares), that term is the difference at the same machine speed.
const rows = [...results.before.map((r) => [1, r.mock, 0, r.cpu]), ...results.after.map((r) => [1, r.mock, 1, r.cpu])];
const { coef, se } = leastSquares(rows);
const base = coef[0] + coef[1] * median(rows.map((r) => r[1]));
console.log(
  `after − before at the same machine speed: ${(1000 * coef[2]).toFixed(1)} ± ${(1000 * se[2]).toFixed(1)} µs of CPU per request ` +
    `(${((100 * coef[2]) / base).toFixed(1)} % of ${(1000 * base).toFixed(0)} µs; fit serving = ${coef[0].toFixed(3)} + ${coef[1].toFixed(2)} × mock)`,
);

/** Ordinary least squares of the last column on the others; coefficients and their standard errors. */
function leastSquares(data) {
  const k = data[0].length - 1;
  const xtx = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => data.reduce((s, r) => s + r[i] * r[j], 0)));
  const xty = Array.from({ length: k }, (_, i) => data.reduce((s, r) => s + r[i] * r[k], 0));
  const inv = invert(xtx);
  const coef = inv.map((row) => row.reduce((s, v, j) => s + v * xty[j], 0));
  const residual = data.reduce((s, r) => s + (r[k] - coef.reduce((t, c, i) => t + c * r[i], 0)) ** 2, 0);
  const sigma2 = residual / Math.max(1, data.length - k);
  return { coef, se: inv.map((row, i) => Math.sqrt(sigma2 * row[i])) };
}

/** Gauss-Jordan inverse of a small square matrix. */
function invert(m) {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    const d = a[c][c];
    for (let j = 0; j < 2 * n; j++) a[c][j] /= d;
    for (let r = 0; r < n; r++)
      if (r !== c) {
        const f = a[r][c];
        for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
      }
  }
  return a.map((row) => row.slice(n));
}
