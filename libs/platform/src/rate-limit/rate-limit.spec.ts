import { InMemoryRateLimiter } from './memory.rate-limiter';
import { evaluate, rateLimitHeaders, WINDOW_MS, type RateLimitSubject } from './rate-limit';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0); // the start of a minute

function subject(over: Partial<RateLimitSubject> = {}): RateLimitSubject {
  return { tenantId: 'ten_1', apiKeyId: 'key_1', key: { rpm: null, tpm: null }, tenant: { rpm: null, tpm: null }, ...over };
}

describe('sliding-window rate limits', () => {
  let now = T0;
  const limiter = () => new InMemoryRateLimiter(() => now);
  beforeEach(() => (now = T0));

  it('admits a key’s quota per minute, refuses the next with a Retry-After, and a refused request counts nothing', async () => {
    const l = limiter();
    const s = subject({ key: { rpm: 5, tpm: null } });
    for (let i = 0; i < 5; i++) expect((await l.admit(s)).allowed).toBe(true);
    now = T0 + 30_000;
    const refused = await l.admit(s);
    expect(refused.allowed).toBe(false);
    expect(refused.limits).toEqual([{ name: 'key-rpm', quota: 5, remaining: 0, resetSeconds: refused.retryAfterSeconds }]);
    // this minute's 5 become the previous minute's at T0+60 s and fade: one slot frees once 1/5 of that minute passed
    expect(refused.retryAfterSeconds).toBe(30 + 12);
    for (let i = 0; i < 10; i++) expect((await l.admit(s)).allowed).toBe(false);
    now = T0 + 60_000 + 12_000;
    expect((await l.admit(s)).allowed).toBe(true);
    expect((await l.admit(s)).allowed).toBe(false);
  });

  it('applies the key’s and the tenant’s limits together: the tenant’s is shared by its keys', async () => {
    const l = limiter();
    const a = subject({ apiKeyId: 'key_a', key: { rpm: 10, tpm: null }, tenant: { rpm: 3, tpm: null } });
    const b = subject({ apiKeyId: 'key_b', key: { rpm: 10, tpm: null }, tenant: { rpm: 3, tpm: null } });
    expect((await l.admit(a)).allowed).toBe(true);
    expect((await l.admit(b)).allowed).toBe(true);
    expect((await l.admit(a)).allowed).toBe(true);
    const refused = await l.admit(b);
    expect(refused.allowed).toBe(false);
    expect(refused.limits.find((x) => x.name === 'tenant-rpm')?.remaining).toBe(0);
    // another tenant is not affected
    expect((await l.admit(subject({ tenantId: 'ten_2', apiKeyId: 'key_c', tenant: { rpm: 3, tpm: null } }))).allowed).toBe(true);
  });

  it('counts tokens after the call and refuses new requests while the token budget is spent', async () => {
    const l = limiter();
    const s = subject({ key: { rpm: null, tpm: 1000 } });
    expect((await l.admit(s)).allowed).toBe(true);
    await l.recordTokens(s, 600);
    expect((await l.admit(s)).limits[0]).toMatchObject({ name: 'key-tpm', remaining: 400 });
    await l.recordTokens(s, 600); // a call may overshoot; the next request waits
    const refused = await l.admit(s);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(60);
    now = T0 + 2 * WINDOW_MS;
    expect((await l.admit(s)).allowed).toBe(true);
  });

  it('has no limit where none is configured', async () => {
    const l = limiter();
    for (let i = 0; i < 1000; i++) expect((await l.admit(subject())).allowed).toBe(true);
    expect(rateLimitHeaders(await l.admit(subject()))).toEqual({});
  });

  it('writes the IETF RateLimit-Policy and RateLimit headers for the tightest limit', () => {
    const headers = rateLimitHeaders({
      allowed: true,
      retryAfterSeconds: 0,
      limits: [
        { name: 'key-rpm', quota: 100, remaining: 90, resetSeconds: 20 },
        { name: 'tenant-rpm', quota: 1000, remaining: 10, resetSeconds: 20 },
      ],
    });
    expect(headers).toEqual({
      'ratelimit-policy': '"key-rpm";q=100;w=60, "tenant-rpm";q=1000;w=60',
      ratelimit: '"tenant-rpm";r=10;t=20',
    });
  });

  it('never answers a Retry-After that would still be refused, nor one much longer than needed', () => {
    const spec = { name: 'key-rpm' as const, key: 'k', quota: 7, cost: 1 };
    for (let current = 0; current <= 9; current++)
      for (let previous = 0; previous <= 9; previous++)
        for (const offset of [0, 1, 15_000, 59_999]) {
          const at = T0 + offset;
          const e = evaluate(spec, current, previous, at);
          if (e.allowed) continue;
          const retryAt = at + e.retryMs;
          // at retryAt the minute may have rolled over: current becomes previous
          const rolled = Math.floor(retryAt / WINDOW_MS) > Math.floor(at / WINDOW_MS);
          const later = rolled ? evaluate(spec, 0, current, retryAt) : evaluate(spec, current, previous, retryAt);
          expect([current, previous, offset, later.allowed]).toEqual([current, previous, offset, true]);
          const sooner = retryAt - 1000;
          const rolledSooner = Math.floor(sooner / WINDOW_MS) > Math.floor(at / WINDOW_MS);
          const early = rolledSooner ? evaluate(spec, 0, current, sooner) : evaluate(spec, current, previous, sooner);
          expect([current, previous, offset, early.allowed]).toEqual([current, previous, offset, false]);
        }
  });
});
