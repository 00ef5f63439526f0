// Hand-rolled generators of hostile requests for the fuzz suite (fast-check is not installed):
// every class of bad input a public HTTP API meets, derived from a benign body so that each field
// of each route gets its turn. `mustReject` cases are never acceptable input; the others may be
// accepted, but never with a 5xx.

export interface BodyCase {
  name: string;
  /** undefined: no Content-Type header at all */
  contentType: string | undefined;
  body: string | Buffer;
  mustReject: boolean;
}

export interface SegmentCase {
  name: string;
  /** raw, already percent-encoded where meant to be */
  segment: string;
  mustReject: boolean;
}

/** A small seeded PRNG (mulberry32), so that a failure can be replayed with the seed it printed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JSON_TYPE = 'application/json';
const MB = 1024 * 1024;
const deep = (n: number, leaf = '1') => '['.repeat(n) + leaf + ']'.repeat(n);

/** Replacement values for one field: raw JSON text, and whether the whole body must then be refused. */
const FIELD_VALUES: Array<{ name: string; json: string; mustReject: boolean }> = [
  { name: 'lone high surrogate', json: '"a\\ud800"', mustReject: true },
  { name: 'lone low surrogate', json: '"\\udfff"', mustReject: true },
  { name: 'NUL', json: '"a\\u0000b"', mustReject: true },
  { name: '3,000-deep array', json: deep(3000), mustReject: true },
  { name: '10,000-deep object', json: '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), mustReject: true },
  { name: '401-deep object', json: '{"a":'.repeat(401) + '1' + '}'.repeat(401), mustReject: true },
  { name: '__proto__ key', json: '{"__proto__":{"polluted":true}}', mustReject: true },
  { name: 'constructor.prototype', json: '{"constructor":{"prototype":{"polluted":true}}}', mustReject: true },
  { name: 'surrogate in a key', json: '{"\\udc00":"v"}', mustReject: true },
  { name: 'huge number', json: '1e308', mustReject: false },
  { name: 'overflowing number', json: '1e999', mustReject: false },
  { name: 'long integer', json: '123456789012345678901234567890', mustReject: false },
  { name: 'negative', json: '-1', mustReject: false },
  { name: 'fraction', json: '0.5', mustReject: false },
  { name: 'underflow', json: '1e-400', mustReject: false },
  { name: '1 MB string', json: JSON.stringify('x'.repeat(MB)), mustReject: false },
  { name: 'empty string', json: '""', mustReject: false },
  { name: 'unicode', json: JSON.stringify('🐟 ﷽ \u200b e\u0301 مرحبا ‮'), mustReject: false },
  { name: 'null', json: 'null', mustReject: false },
  { name: 'true', json: 'true', mustReject: false },
  { name: 'array', json: '[1,"a",{}]', mustReject: false },
  { name: 'object', json: '{"a":{"b":[]}}', mustReject: false },
  { name: '10,000-element array', json: `[${'0,'.repeat(9999)}0]`, mustReject: false },
];

const WHOLE_BODIES: Array<Omit<BodyCase, 'contentType'> & { contentType?: string | null }> = [
  { name: 'truncated JSON', body: '{"a":', mustReject: true },
  { name: 'trailing comma', body: '{"a":1,}', mustReject: true },
  { name: 'single quotes', body: "{'a':1}", mustReject: true },
  { name: 'bad escape', body: '{"a":"\\x"}', mustReject: true },
  { name: 'leading zero', body: '{"a":01}', mustReject: true },
  { name: 'NaN', body: '{"a":NaN}', mustReject: true },
  { name: 'BOM', body: '\ufeff{}', mustReject: false },
  { name: 'raw NUL byte', body: '{"a":"\u0000"}', mustReject: true },
  // read as UTF-8, these become U+FFFD: storable, so acceptable
  { name: 'invalid UTF-8 bytes', body: Buffer.from('{"a":"\u00ed\u00bf\u00bf"}', 'latin1'), mustReject: false },
  { name: 'empty body', body: '', mustReject: true },
  { name: 'whitespace body', body: '  \n ', mustReject: true },
  { name: '100,000-deep array', body: deep(100_000), mustReject: true },
  { name: '20,000-deep object', body: '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000), mustReject: true },
  { name: 'top-level __proto__', body: '{"__proto__":{"isAdmin":true}}', mustReject: true },
  { name: 'array body', body: '[]', mustReject: true },
  { name: 'string body', body: '"hello"', mustReject: true },
  { name: 'number body', body: '42', mustReject: true },
  { name: 'null body', body: 'null', mustReject: true },
  { name: 'empty object', body: '{}', mustReject: false },
];

const WRONG_TYPES: Array<string | undefined> = [
  'application/x-www-form-urlencoded',
  'text/plain',
  undefined,
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  'application/yaml',
];

/** Paths to every field of `v` to depth 2, first array element only. */
function fieldPaths(v: unknown, prefix: Array<string | number> = [], depth = 0): Array<Array<string | number>> {
  if (depth >= 3 || v === null || typeof v !== 'object') return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(v) ? (v.length ? [[0, v[0]]] : []) : Object.entries(v);
  return entries.flatMap(([k, child]) => [[...prefix, k], ...fieldPaths(child, [...prefix, k], depth + 1)]);
}

const PLACEHOLDER = '"__shoal_fuzz_value__"';

function withField(template: unknown, path: Array<string | number>, json: string): string {
  const copy = structuredClone(template) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path[path.length - 1]] = '__shoal_fuzz_value__';
  return JSON.stringify(copy).replace(PLACEHOLDER, () => json);
}

/**
 * Hostile bodies for a route whose benign body is `template`: every whole-body case, every wrong
 * content type, and `perField` field replacements chosen at random (all must-reject values first).
 */
export function hostileBodies(template: unknown, random: () => number, perField = 6): BodyCase[] {
  const benign = JSON.stringify(template);
  const cases: BodyCase[] = [
    ...WHOLE_BODIES.map((c) => ({ ...c, contentType: c.contentType === null ? undefined : (c.contentType ?? JSON_TYPE) })),
    ...WRONG_TYPES.map((t) => ({ name: `benign body as ${t ?? 'no content type'}`, contentType: t, body: benign, mustReject: true })),
    { name: 'JSON with charset', contentType: 'application/json; charset=utf-8', body: benign, mustReject: false },
  ];
  for (const path of fieldPaths(template)) {
    const picks = [...FIELD_VALUES].sort(() => random() - 0.5).slice(0, perField);
    for (const v of picks)
      cases.push({
        name: `${path.join('.')} = ${v.name}`,
        contentType: JSON_TYPE,
        body: withField(template, path, v.json),
        mustReject: v.mustReject,
      });
  }
  // the must-reject classes all get their turn on every route, whatever the random picks were
  for (const v of FIELD_VALUES.filter((f) => f.mustReject)) {
    cases.push({
      name: `extra field = ${v.name}`,
      contentType: JSON_TYPE,
      body: withField({ ...(template as object), zz_extra: 0 }, ['zz_extra'], v.json),
      mustReject: true,
    });
  }
  return cases;
}

/** Hostile values for a path parameter. */
export const HOSTILE_SEGMENTS: SegmentCase[] = [
  { name: 'dot-dot', segment: '..', mustReject: true },
  { name: 'encoded traversal', segment: '..%2F..%2Fetc%2Fpasswd', mustReject: true },
  { name: 'NUL', segment: '%00', mustReject: true },
  { name: 'NUL inside an id', segment: 'wf_01J%00x', mustReject: true },
  { name: 'encoded lone surrogate (invalid UTF-8)', segment: '%ED%BF%BF', mustReject: true },
  { name: 'bad percent-encoding', segment: '%zz', mustReject: true },
  { name: '10 KB id', segment: 'a'.repeat(10 * 1024), mustReject: true },
  { name: 'unicode', segment: encodeURIComponent('🐟ü‮'), mustReject: true },
  { name: 'SQL', segment: encodeURIComponent("' OR 1=1 --"), mustReject: true },
  { name: 'JSON', segment: encodeURIComponent('{"$ne":null}'), mustReject: true },
  // a route may answer an unknown id (billing's cost of a run without calls is zero), but not with a 5xx
  { name: 'well-formed id that does not exist', segment: 'run_01JBZZZZZZZZZZZZZZZZZZZZZZ', mustReject: false },
  { name: 'space', segment: '%20', mustReject: true },
];

/** Hostile query strings (appended to any route). */
export const HOSTILE_QUERIES: Array<{ name: string; query: string }> = [
  { name: 'NUL', query: 'run_id=%00&limit=%00' },
  { name: 'invalid UTF-8', query: 'run_id=run_%ED%A0%80' },
  { name: 'huge number', query: 'limit=1e309&wait_ms=-1e309' },
  { name: 'array syntax', query: 'limit[]=1&run_id[a]=b' },
  { name: 'prototype keys', query: '__proto__[x]=1&constructor[prototype][x]=1&__proto__=1' },
  { name: 'repeated keys', query: 'limit=1&limit=2&run_id=a&run_id=b' },
  { name: 'long value', query: `run_id=run_${'a'.repeat(6000)}` },
  { name: 'URL over the limit', query: `x=${'a'.repeat(9000)}` },
  { name: 'many call ids', query: `calls=${Array.from({ length: 500 }, (_, i) => `c${i}`).join(',')}` },
  { name: 'unicode', query: `run_id=${encodeURIComponent('🐟')}&tenant_id=${encodeURIComponent('‮')}` },
];

/** A multipart/form-data body: each part's raw headers and content, framed by `boundary`. */
function multipart(boundary: string, parts: Array<{ headers: string; content: string | Buffer }>, end = true): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts)
    chunks.push(Buffer.from(`--${boundary}\r\n${p.headers}\r\n\r\n`, 'latin1'), Buffer.from(p.content), Buffer.from('\r\n'));
  if (end) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const filePart = (name: string, content: string | Buffer, field = 'file', type = 'text/plain') => ({
  headers: `Content-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: ${type}`,
  content,
});

/**
 * Hostile multipart bodies for an upload route (field `file`, optional text field `user`): broken
 * framing, missing or doubled files, hostile names, too many parts, oversize fields, random bytes.
 */
export function hostileMultipartBodies(random: () => number): BodyCase[] {
  const b = 'ShoalFuzzBoundary7MA4YWxkTrZu0gW';
  const type = `multipart/form-data; boundary=${b}`;
  const noise = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256)));
  const cases: Array<Omit<BodyCase, 'contentType'> & { contentType?: string }> = [
    { name: 'benign upload', body: multipart(b, [filePart('notes.txt', 'hello')]), mustReject: false },
    {
      name: 'benign upload with user',
      body: multipart(b, [{ headers: 'Content-Disposition: form-data; name="user"', content: 'u-1' }, filePart('a.md', '# a')]),
      mustReject: false,
    },
    { name: 'no boundary parameter', contentType: 'multipart/form-data', body: multipart(b, [filePart('a.txt', 'a')]), mustReject: true },
    {
      name: 'boundary that is not in the body',
      contentType: 'multipart/form-data; boundary=other',
      body: multipart(b, [filePart('a.txt', 'a')]),
      mustReject: true,
    },
    {
      name: 'quoted boundary',
      contentType: `multipart/form-data; boundary="${b}"`,
      body: multipart(b, [filePart('q.txt', 'q')]),
      mustReject: false,
    },
    { name: 'cut off mid-file', body: multipart(b, [filePart('a.txt', 'half a fi')], false).subarray(0, -2), mustReject: true },
    { name: 'no closing boundary', body: multipart(b, [filePart('a.txt', 'abc')], false), mustReject: true },
    { name: 'empty body', body: '', mustReject: true },
    { name: 'only the closing boundary', body: `--${b}--\r\n`, mustReject: true },
    { name: 'random bytes', body: noise, mustReject: true },
    {
      name: 'random bytes inside the framing',
      body: Buffer.concat([Buffer.from(`--${b}\r\n`), noise, Buffer.from(`\r\n--${b}--\r\n`)]),
      mustReject: true,
    },
    {
      name: 'file without a filename',
      body: multipart(b, [{ headers: 'Content-Disposition: form-data; name="file"', content: 'x' }]),
      mustReject: true,
    },
    { name: 'two files', body: multipart(b, [filePart('a.txt', 'a'), filePart('b.txt', 'b')]), mustReject: true },
    { name: 'file in another field', body: multipart(b, [filePart('a.txt', 'a', 'attachment')]), mustReject: true },
    {
      name: 'unknown text field',
      body: multipart(b, [{ headers: 'Content-Disposition: form-data; name="admin"', content: 'true' }, filePart('a.txt', 'a')]),
      mustReject: true,
    },
    {
      name: '1 MB user field',
      body: multipart(b, [{ headers: 'Content-Disposition: form-data; name="user"', content: 'u'.repeat(MB) }, filePart('a.txt', 'a')]),
      mustReject: true,
    },
    {
      name: '2,000 parts',
      body: multipart(
        b,
        Array.from({ length: 2000 }, () => ({ headers: 'Content-Disposition: form-data; name="user"', content: 'u' })),
      ),
      mustReject: true,
    },
    {
      name: 'executable extension',
      body: multipart(b, [filePart('setup.exe', 'MZ', 'file', 'application/octet-stream')]),
      mustReject: true,
    },
    { name: 'no extension', body: multipart(b, [filePart('README', 'x')]), mustReject: true },
    { name: 'path traversal in the filename', body: multipart(b, [filePart('../../etc/passwd.txt', 'x')]), mustReject: false },
    { name: 'NUL in the filename', body: multipart(b, [filePart('a\u0000b.txt', 'x')]), mustReject: true },
    { name: 'control characters in the filename', body: multipart(b, [filePart('a\u001b[31m.txt', 'x')]), mustReject: true },
    { name: '10,000-character filename', body: multipart(b, [filePart(`${'a'.repeat(10_000)}.txt`, 'x')]), mustReject: true },
    {
      name: 'encoded UTF-8 filename',
      body: multipart(b, [{ headers: 'Content-Disposition: form-data; name="file"; filename*=UTF-8\'\'%E2%9C%93%20ok.txt', content: 'x' }]),
      mustReject: false,
    },
    {
      name: 'invalid UTF-8 in the filename',
      body: multipart(b, [{ headers: 'Content-Disposition: form-data; name="file"; filename="\xed\xbf\xbf.txt"', content: 'x' }]),
      mustReject: false,
    },
    {
      name: 'huge part header (the parser keeps 8 KB of it)',
      body: multipart(b, [
        { headers: `Content-Disposition: form-data; name="file"; filename="a.txt"\r\nX-Pad: ${'p'.repeat(200_000)}`, content: 'x' },
      ]),
      mustReject: false,
    },
    { name: '200 KB file', body: multipart(b, [filePart('big.csv', 'a,b\n'.repeat(50_000), 'file', 'text/csv')]), mustReject: false },
    {
      name: 'hostile part content type',
      body: multipart(b, [filePart('a.txt', 'x', 'file', `text/html\r\nX-Injected: 1`)]),
      mustReject: false,
    },
  ];
  return cases.map((c) => ({ ...c, contentType: c.contentType ?? type }));
}
