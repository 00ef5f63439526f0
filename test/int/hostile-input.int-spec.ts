// Fuzz: every route the services registered (read from the router, so a new route cannot be
// skipped) gets malformed JSON, wrong content types, deep nesting, lone surrogates, NULs, huge
// numbers and strings, wrong types, prototype keys, hostile path parameters and queries. None may
// answer 5xx, none may hang (each must end within a multiple of a benign request's time), an error
// must be in the route's own shape, and a refused request must leave no row behind.
import http from 'node:http';
import { Client } from 'pg';
import { ROUTE_PREFIX } from '@shoal/contracts';
import { errorStyleFor, internalHeaders, type RouteEntry } from '@shoal/platform';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';
import { HOSTILE_QUERIES, HOSTILE_SEGMENTS, hostileBodies, hostileMultipartBodies, prng } from '../support/hostile-inputs';

const SEED = Number(process.env.SHOAL_FUZZ_SEED ?? Date.now() % 100_000);
/** a request may take this many times the slowest benign request before it counts as hung */
const HANG_RATIO = 50;
const LARGE_BODY_BYTES = 64 * 1024;

let s: InProcessServices;
let pg: Client;
let tables: string[];
let workflowId: string;
let runId: string;

const QA = {
  name: 'fuzz',
  graph: {
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'question', type: 'paragraph', required: true }] } },
      {
        id: 'llm',
        data: {
          type: 'llm',
          model: { name: 'mock-chat', completion_params: { temperature: 0.5 } },
          prompt_template: [{ role: 'user', text: '{{#start.question#}}' }],
        },
      },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'answer', value_selector: ['llm', 'text'] }] } },
    ],
    edges: [
      { source: 'start', target: 'llm' },
      { source: 'llm', target: 'end' },
    ],
  },
};
const CHAT = { model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }], temperature: 1 };

/** A benign body for each route that takes one; a route not listed here is fuzzed from `{}`. */
function templateFor(route: RouteEntry): unknown {
  if (route.url.endsWith('/chat/completions')) return CHAT;
  if (route.url === '/v1/workflows') return QA;
  if (route.url.endsWith('/runs')) return { inputs: { question: 'hi' }, response_mode: 'blocking' };
  return {};
}

function benignPath(route: RouteEntry): string {
  return route.url.replace(/:([A-Za-z]+)/g, (_, name: string) =>
    name === 'runId' || route.url.includes('/runs/:') ? runId : route.url.includes('workflows') ? workflowId : 'x',
  );
}

function headersFor(path: string): Record<string, string> {
  if (path.startsWith(ROUTE_PREFIX.modelPool) || path.startsWith(ROUTE_PREFIX.billing)) {
    // a valid signed context: the fuzz is about what the route does with hostile input, not about auth
    return internalHeaders(s.internalToken, {
      tenantId: 'tenant_fuzz',
      apiKeyId: null,
      runId,
      callId: `call_${Math.random().toString(36).slice(2)}`,
      nodeId: null,
    });
  }
  return { authorization: `Bearer ${s.apiKey}` };
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
  ms: number;
  hung?: boolean;
}

/** One request over a plain socket (no URL normalisation: `..` and `%00` reach the server as sent). */
function request(
  method: string,
  path: string,
  contentType: string | undefined,
  body: string | Buffer | undefined,
  timeoutMs: number,
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...headersFor(path), connection: 'close' };
    if (contentType !== undefined) headers['content-type'] = contentType;
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    const url = new URL(s.url);
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', () => done({ status: res.statusCode ?? 0, contentType: '', body: '' }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ status: 0, contentType: '', body: '', hung: true });
    }, timeoutMs);
    let finished = false;
    function done(a: Omit<Answer, 'ms'>) {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve({ ...a, ms: performance.now() - started });
    }
    req.on('error', (err) => done({ status: -1, contentType: '', body: String(err) }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function rowCounts(): Promise<string> {
  const sql = `SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t}") AS "${t}"`).join(', ')}`;
  return JSON.stringify((await pg.query(sql)).rows[0]);
}

/** Rows settle after an accepted request (usage reaches the ledger asynchronously). */
async function settledCounts(): Promise<string> {
  let last = await rowCounts();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await rowCounts();
    if (now === last) return now;
    last = now;
  }
  return last;
}

beforeAll(async () => {
  s = await startInProcessServices('fuzz');
  pg = new Client({ connectionString: s.databaseUrl });
  await pg.connect();
  tables = (
    await pg.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY 1",
    )
  ).rows.map((r) => r.table_name);
}, 90_000);

afterAll(async () => {
  await pg?.end();
  await s?.close();
});

it('covers every route of the router, with no 5xx, no hang, errors in the route’s shape and no half-written row', async () => {
  const random = prng(SEED);
  const routes = s.routes.filter((r) => r.method !== 'HEAD');
  expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(
    expect.arrayContaining([
      'POST /v1/workflows',
      'POST /v1/workflows/:id/runs',
      'POST /v1/chat/completions',
      'GET /v1/models',
      'GET /v1/runs/:id',
      'POST /pool/v1/chat/completions',
    ]),
  );

  // benign requests first: the ids the hostile ones aim at, and the time a request may take
  const wf = await request('POST', '/v1/workflows', 'application/json', JSON.stringify(QA), 60_000);
  expect(wf.status).toBe(201);
  workflowId = (JSON.parse(wf.body) as { id: string }).id;
  const run = await request(
    'POST',
    `/v1/workflows/${workflowId}/runs`,
    'application/json',
    JSON.stringify({ inputs: { question: 'hi' } }),
    60_000,
  );
  expect(run.status).toBe(200);
  runId = (JSON.parse(run.body) as { id: string }).id;
  // the slowest benign request of each size class is the yardstick for hostile ones of that size
  const small: number[] = [];
  const large: number[] = [];
  const MB = 'x'.repeat(1024 * 1024);
  for (let i = 0; i < 2; i++) {
    small.push((await request('POST', '/v1/workflows', 'application/json', JSON.stringify(QA), 60_000)).ms);
    small.push(
      (
        await request(
          'POST',
          `/v1/workflows/${workflowId}/runs`,
          'application/json',
          JSON.stringify({ inputs: { question: 'hi' } }),
          60_000,
        )
      ).ms,
    );
    small.push((await request('GET', `/v1/runs/${runId}`, undefined, undefined, 60_000)).ms);
    large.push(
      (await request('POST', `/v1/workflows/${workflowId}/runs`, 'application/json', JSON.stringify({ inputs: { question: MB } }), 60_000))
        .ms,
    );
    large.push(
      (
        await request(
          'POST',
          '/v1/chat/completions',
          'application/json',
          JSON.stringify({ ...CHAT, messages: [{ role: 'user', content: MB }] }),
          60_000,
        )
      ).ms,
    );
  }
  const smallMs = Math.max(...small);
  const largeMs = Math.max(...large);

  const failures: string[] = [];
  const covered = new Set<string>();
  let sent = 0;
  let slowest = { ratio: 0, ms: 0, what: '' };
  let counts = await settledCounts();

  const check = async (
    route: RouteEntry,
    what: string,
    method: string,
    path: string,
    c: { contentType: string | undefined; body: string | Buffer | undefined; mustReject: boolean },
  ) => {
    const boundMs = (c.body !== undefined && Buffer.byteLength(c.body) > LARGE_BODY_BYTES ? largeMs : smallMs) * HANG_RATIO;
    const a = await request(method, path, c.contentType, c.body, boundMs);
    sent++;
    covered.add(`${route.method} ${route.url}`);
    const label = `${method} ${route.url} [${what}] (seed ${SEED})`;
    if (a.ms / boundMs > slowest.ratio) slowest = { ratio: a.ms / boundMs, ms: a.ms, what: label };
    if (a.hung)
      return void failures.push(
        `${label}: no answer within ${Math.round(boundMs)} ms (${HANG_RATIO} x the slowest benign request of its size)`,
      );
    if (a.status < 100 || a.status >= 500) failures.push(`${label}: ${a.status} ${a.body.slice(0, 300)}`);
    if (c.mustReject && a.status < 400) failures.push(`${label}: accepted with ${a.status}`);
    if (a.status >= 400) {
      const style = errorStyleFor(path);
      let parsed: { error?: { message?: unknown }; type?: unknown; detail?: unknown; code?: unknown; message?: unknown } = {};
      try {
        parsed = JSON.parse(a.body);
      } catch {
        failures.push(`${label}: ${a.status} with a body that is not JSON: ${a.body.slice(0, 200)}`);
      }
      const inShape =
        // GraphQL answers in GraphQL's shape once the request reached it; before that, as any route
        path.startsWith('/graphql') && Array.isArray((parsed as { errors?: unknown }).errors)
          ? true
          : style === 'openai'
            ? typeof parsed.error?.message === 'string'
            : style === 'dify'
              ? typeof parsed.code === 'string' && typeof parsed.message === 'string'
              : a.contentType.startsWith('application/problem+json') && typeof parsed.detail === 'string';
      if (!inShape) failures.push(`${label}: ${a.status} not in the ${style} error shape: ${a.contentType} ${a.body.slice(0, 200)}`);
      if (/fastify|FST_ERR|\bat .+\.(ts|js):\d+/i.test(a.body))
        failures.push(`${label}: the error names the framework or a stack: ${a.body.slice(0, 200)}`);
      const after = await rowCounts();
      if (after !== counts) failures.push(`${label}: refused with ${a.status} but rows changed: ${counts} -> ${after}`);
      counts = after;
    } else {
      counts = await settledCounts();
    }
  };

  for (const route of routes) {
    const path = benignPath(route);
    const takesBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
    if (takesBody) {
      for (const c of hostileBodies(templateFor(route), random)) await check(route, c.name, route.method, path, c);
      // upload routes read multipart themselves: broken framing, hostile names, doubled files
      if (route.accepts.includes('multipart/form-data'))
        for (const c of hostileMultipartBodies(random)) await check(route, `multipart: ${c.name}`, route.method, path, c);
    }
    // hostile path parameters, one parameter at a time
    const params = route.url.match(/:[A-Za-z]+/g) ?? [];
    for (const param of params) {
      for (const seg of HOSTILE_SEGMENTS) {
        const hostilePath = benignPath({ ...route, url: route.url.replace(param, seg.segment) });
        const body = takesBody ? JSON.stringify(templateFor(route)) : undefined;
        await check(route, `${param} = ${seg.name}`, route.method, hostilePath, {
          contentType: body ? 'application/json' : undefined,
          body,
          mustReject: seg.mustReject,
        });
      }
    }
    // hostile queries
    for (const q of HOSTILE_QUERIES) {
      if (takesBody) continue; // a query on a POST is ignored by every route; the body is what is fuzzed there
      await check(route, `query ${q.name}`, route.method, `${path}?${q.query}`, {
        contentType: undefined,
        body: undefined,
        mustReject: q.query.length > 8192,
      });
    }
    // the wrong method on the route's path
    const other = route.method === 'DELETE' ? 'PATCH' : 'DELETE';
    if (!routes.some((r) => r.url === route.url && r.method === other))
      await check(route, `method ${other}`, other, path, { contentType: undefined, body: undefined, mustReject: true });
  }

  // the numbers the report quotes
  console.log(
    `fuzz: ${sent} requests over ${covered.size} routes (seed ${SEED}); slowest benign: small ${Math.round(smallMs)} ms, 1 MB ${Math.round(largeMs)} ms; closest to its bound: ${Math.round(slowest.ms)} ms = ${(slowest.ratio * HANG_RATIO).toFixed(1)}x its benign yardstick: ${slowest.what}`,
  );
  expect(failures).toEqual([]);
  expect([...covered].sort()).toEqual(routes.map((r) => `${r.method} ${r.url}`).sort());
}, 900_000);

it('stores JSON nested right up to the limit (Prisma serialises it), and refuses one level more', async () => {
  const nest = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const created = await request('POST', '/v1/workflows', 'application/json', JSON.stringify(QA), 60_000);
  const id = (JSON.parse(created.body) as { id: string }).id;
  // the body is one level and `inputs` another: `extra` may take 398 more
  const at = await request(
    'POST',
    `/v1/workflows/${id}/runs`,
    'application/json',
    `{"inputs":{"question":"hi","extra":${nest(398)}}}`,
    60_000,
  );
  expect(at.status).toBe(200);
  const over = await request(
    'POST',
    `/v1/workflows/${id}/runs`,
    'application/json',
    `{"inputs":{"question":"hi","extra":${nest(399)}}}`,
    60_000,
  );
  expect([over.status, (JSON.parse(over.body) as { type: string }).type]).toEqual([400, 'https://shoal.dev/problems/json-too-deep']);
  const graph = structuredClone(QA.graph) as { nodes: Array<{ data: Record<string, unknown> }> };
  graph.nodes[0].data.extra = JSON.parse(nest(390));
  const wf = await request('POST', '/v1/workflows', 'application/json', JSON.stringify({ name: 'deep', graph }), 60_000);
  expect(wf.status).toBe(201);
}, 120_000);
