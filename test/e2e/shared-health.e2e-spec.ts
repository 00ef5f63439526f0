// Deployment health shared by model-pool replicas: two model-pool processes on one Redis, in front
// of mock providers with injected faults, driven over real HTTP. After one replica sees a 429 from a
// deployment, the other's next request does not go there (a third replica on its own Redis prefix,
// the control, still does); the deployment comes back when its Retry-After ends; a breaker opened by
// one replica keeps the other's calls off the deployment, lets one probe through when half-open, and
// closes on its success; a bad key takes out every deployment using it, logged once at error level,
// the key itself in no log line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { internalHeaders } from '@shoal/platform';
import {
  dropRedisPrefixes,
  startMockProvider,
  startService,
  testRedisPrefix,
  testRedisUrl,
  type MockProvider,
  type ServiceProcess,
} from '@shoal/testing';

jest.setTimeout(180_000);

const TOKEN = 'e2e-internal-token-0123456789';
const BREAKER_OPEN_MS = 3_000;
let x: MockProvider;
let y: MockProvider;
let z: MockProvider;
let k: MockProvider;
const SHARED_KEY = 'sk-e2e-shared-credential-0123456789';
let a: ServiceProcess;
let b: ServiceProcess;
let control: ServiceProcess;
const prefixes: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  [x, y, z, k] = await Promise.all([startMockProvider(), startMockProvider(), startMockProvider(), startMockProvider()]);
  const dir = mkdtempSync(path.join(tmpdir(), 'shoal-e2e-health-'));
  const config = path.join(dir, 'model-pool.json');
  const dep = (id: string, model: string, mock: MockProvider) => ({
    id,
    model,
    provider: 'openai-compatible',
    baseUrl: mock.url,
    apiKey: `mock-${id}`,
    upstreamModel: 'mock-chat',
    weight: 1,
  });
  // `chat`: x then y, equal weights (smooth weighted round robin: a fresh replica's first pick is x)
  // `keyed`: two deployments on one endpoint with one key (two model names of one account)
  const keyed = (id: string) => ({ ...dep(id, 'keyed', k), apiKey: SHARED_KEY });
  writeFileSync(
    config,
    JSON.stringify({
      deployments: [dep('dep_x', 'chat', x), dep('dep_y', 'chat', y), dep('dep_z', 'solo', z), keyed('dep_k1'), keyed('dep_k2')],
    }),
  );
  const env = (prefix: string) => ({
    REDIS_URL: testRedisUrl(),
    REDIS_PREFIX: prefix,
    SHOAL_INTERNAL_TOKEN: TOKEN,
    MODEL_POOL_CONFIG: config,
    MODEL_POOL_MAX_ATTEMPTS: '2',
    MODEL_POOL_BREAKER_THRESHOLD: '2',
    MODEL_POOL_BREAKER_OPEN_MS: String(BREAKER_OPEN_MS),
  });
  prefixes.push(testRedisPrefix('e2e-health'), testRedisPrefix('e2e-health-control'));
  [a, b, control] = await Promise.all([
    startService({ app: 'model-pool', env: env(prefixes[0]!), timeoutMs: 90_000 }),
    startService({ app: 'model-pool', env: env(prefixes[0]!), timeoutMs: 90_000 }),
    startService({ app: 'model-pool', env: env(prefixes[1]!), timeoutMs: 90_000 }),
  ]);
}, 150_000);

afterAll(async () => {
  await Promise.all([a, b, control].filter(Boolean).map((s) => s.stop()));
  await Promise.all([x, y, z, k].filter(Boolean).map((m) => m.close()));
  await dropRedisPrefixes(prefixes);
});

let callNo = 0;
async function chat(
  replica: ServiceProcess,
  model: string,
): Promise<{ status: number; deployment: string | null; retryAfter: string | null }> {
  callNo += 1;
  const ctx = { tenantId: 'ten_e2e', apiKeyId: 'key_e2e', runId: null, callId: `call_health_${callNo}`, nodeId: null };
  const res = await fetch(`${replica.url}/pool/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...internalHeaders(TOKEN, ctx) },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: `hello ${callNo}` }] }),
    signal: AbortSignal.timeout(20_000),
  });
  await res.arrayBuffer();
  return { status: res.status, deployment: res.headers.get('x-shoal-deployment'), retryAfter: res.headers.get('retry-after') };
}

describe('two model-pool replicas sharing deployment health through Redis', () => {
  it("after one replica sees a 429 from a deployment, the other's next request does not go there; it returns after Retry-After", async () => {
    // b's round robin is back at x after two calls (x, y), and its mirror knows both deployments
    expect((await chat(b, 'chat')).deployment).toBe('dep_x');
    expect((await chat(b, 'chat')).deployment).toBe('dep_y');

    x.setFaults({ status: 429, retryAfter: 2 });
    const xBefore = x.calls();
    // a's first pick is x: 429, then y answers
    expect(await chat(a, 'chat')).toMatchObject({ status: 200, deployment: 'dep_y' });
    expect(x.calls()).toBe(xBefore + 1);

    // at once, on the other replica: not x
    expect(await chat(b, 'chat')).toMatchObject({ status: 200, deployment: 'dep_y' });
    expect(x.calls()).toBe(xBefore + 1);

    // the control (same config, its own state) sends its first request to x and meets the 429 itself
    expect(await chat(control, 'chat')).toMatchObject({ status: 200, deployment: 'dep_y' });
    expect(x.calls()).toBe(xBefore + 2);

    // recovery: once Retry-After has passed, x is picked again
    x.setFaults(undefined);
    await sleep(2_200);
    const served = [(await chat(b, 'chat')).deployment, (await chat(b, 'chat')).deployment];
    expect(served).toContain('dep_x');
  });

  it('a breaker opened on one replica keeps the other off the deployment; half-open lets one probe through; its success closes it', async () => {
    z.setFaults({ status: 500 });
    // two 500s on a (the threshold): the breaker opens
    expect((await chat(a, 'solo')).status).toBe(502);
    expect(z.calls()).toBe(2);

    // b sends nothing to z while it is open, and says when to come back
    const refused = await chat(b, 'solo');
    expect(refused.status).toBeGreaterThanOrEqual(500);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(z.calls()).toBe(2);

    // half-open: of four calls at once on both replicas, one is the probe; the rest wait for its outcome
    z.setFaults({ latencyMs: 600 });
    await sleep(BREAKER_OPEN_MS + 200);
    const answers = await Promise.all([chat(a, 'solo'), chat(b, 'solo'), chat(a, 'solo'), chat(b, 'solo')]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const arrivals = z
      .callLog()
      .slice(-4)
      .map((c) => c.at);
    expect(arrivals.slice(1).every((at) => at - arrivals[0]! >= 500)).toBe(true);

    // closed: calls flow at once again, on both replicas
    z.setFaults(undefined);
    expect(await chat(b, 'solo')).toMatchObject({ status: 200, deployment: 'dep_z' });
    expect(await chat(a, 'solo')).toMatchObject({ status: 200, deployment: 'dep_z' });
  });

  it('a bad key takes every deployment using it out, on every replica, said loudly once and without the key', async () => {
    k.setFaults({ status: 401 });
    expect((await chat(a, 'keyed')).status).toBe(502);
    // the first deployment's 401 took the second one (same key) out with it: one call only
    expect(k.calls()).toBe(1);
    expect((await chat(b, 'keyed')).status).toBe(502);
    expect(k.calls()).toBe(1);

    const lines = (p: ServiceProcess) =>
      readFileSync(p.logFile, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; name?: string; msg: string; deployments?: string[] });
    const loud = lines(a).filter((l) => l.level === 'error' && /credential/.test(l.msg));
    expect(loud).toHaveLength(1);
    expect(loud[0]!.deployments).toEqual(['dep_k1', 'dep_k2']);
    // once per transition: the replica that only found the credential out says nothing of it
    expect(lines(b).filter((l) => l.name === 'DeploymentHealth' && /credential/.test(l.msg))).toEqual([]);
    for (const p of [a, b, control]) expect(readFileSync(p.logFile, 'utf8')).not.toContain(SHARED_KEY);
  });
});
