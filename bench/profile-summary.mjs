// Where a CPU profile's time went: the share of samples idle, in garbage collection, and in each
// package or part of Shoal (self time), from a .cpuprofile written by `node --cpu-prof`.
import { readFileSync } from 'node:fs';

/** The owner of a script: a package under node_modules, a Shoal lib or app, Node itself. */
function ownerOf(url) {
  if (!url) return '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const shoal = /dist\/(libs|apps)\/([^/]+)\//.exec(url);
  if (shoal) return `shoal:${shoal[2]}`;
  if (url.startsWith('node:')) return 'node (core)';
  return url.split('/').slice(-2).join('/');
}

export function summarizeProfile(file, top = 8) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of p.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = p.samples.length || 1;
  const owners = new Map();
  let idle = 0;
  let gc = 0;
  for (const [id, n] of counts) {
    const node = byId.get(id);
    const name = node.callFrame.functionName;
    if (name === '(idle)') idle += n;
    else if (name === '(garbage collector)') gc += n;
    else {
      const o = name === '(program)' ? '(program)' : ownerOf(node.callFrame.url);
      owners.set(o, (owners.get(o) ?? 0) + n);
    }
  }
  const pct = (n) => `${((100 * n) / total).toFixed(1)} %`;
  const busy = [...owners.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { idle: pct(idle), gc: pct(gc), top: busy.map(([o, n]) => `${o} ${pct(n)}`) };
}
