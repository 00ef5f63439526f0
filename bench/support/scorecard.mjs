// Issue 12's table of figures, read against one run: each figure's target, the line below which it
// is not done, what this run measured, and where that leaves it. bench/run.mjs prints the rows it
// measures (the chat path, runs, memory, start-up); bench/ledger.mjs prints the ledger's.

/**
 * `higher`: whether more is better (req/s) or less (ms, MB). `target` and `line` are numbers in the
 * figure's unit (`line` undefined: the issue names no "not done" line for it). `measured` is one
 * number, or several (one per topology), each judged on its own. `added`: a difference from the
 * direct call, shown signed.
 */
function verdict({ higher, target, line }, value) {
  const meets = (bound) => (higher ? value >= bound : value <= bound);
  if (meets(target)) return 'target met';
  if (line === undefined) return 'short of the target';
  return meets(line) ? 'above the line, short of the target' : '**under the "not done" line**';
}

/** Markdown rows: | figure | target | not done below | this run | where it stands | */
export function scorecard(rows, fmtValue) {
  const out = ['| figure | target | not done below | this run | where it stands |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const measured = r.measured.map((m) => `${m.label ? `${m.label} ` : ''}${fmtValue(m.value, r)}`).join('; ');
    const stands = r.measured.map((m) => `${m.label ? `${m.label}: ` : ''}${verdict(r, m.value)}`).join('; ');
    out.push(`| ${r.figure} | ${r.targetText} | ${r.lineText ?? '—'} | ${measured} | ${stands} |`);
  }
  return out;
}
