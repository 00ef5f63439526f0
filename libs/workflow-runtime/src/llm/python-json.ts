// Python's json.dumps as Dify's prompts use it: ", " and ": " between items, and by default
// (ensure_ascii) every non-ASCII character escaped as \uXXXX, so a prompt reads as Dify's does.

export function pythonJsonDumps(value: unknown, ensureAscii = true): string {
  const str = (s: string) => {
    const json = JSON.stringify(s);
    return ensureAscii ? json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
  };
  const dump = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return str(v);
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (Array.isArray(v)) return `[${v.map(dump).join(', ')}]`;
    if (typeof v === 'object')
      return `{${Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${str(k)}: ${dump(x)}`)
        .join(', ')}}`;
    return 'null';
  };
  return dump(value);
}
