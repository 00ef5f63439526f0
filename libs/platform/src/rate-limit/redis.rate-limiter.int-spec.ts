import { Redis } from 'ioredis';
import { testRedisPrefix, testRedisUrl } from '@shoal/testing';
import { InMemoryRateLimiter } from './memory.rate-limiter';
import { RedisRateLimiter } from './redis.rate-limiter';
import type { RateLimitSubject } from './rate-limit';

jest.setTimeout(30_000);

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);

describe('RedisRateLimiter (real Redis)', () => {
  const connections: Redis[] = [];
  const connect = () => {
    const r = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
    connections.push(r);
    return r;
  };
  afterAll(async () => {
    await Promise.all(connections.map((r) => r.quit()));
  });

  it('shares one limit between replicas, exactly, under concurrent requests', async () => {
    const prefix = testRedisPrefix('ratelimit');
    // two replicas: separate connections, same prefix
    const replicas = [new RedisRateLimiter(connect(), prefix), new RedisRateLimiter(connect(), prefix)];
    const s: RateLimitSubject = { tenantId: 'ten_x', apiKeyId: 'key_x', key: { rpm: 25, tpm: null }, tenant: { rpm: null, tpm: null } };
    const decisions = await Promise.all(Array.from({ length: 60 }, (_, i) => replicas[i % 2].admit(s)));
    // the window may roll over mid-test: at most the quota in one minute, plus what fades in across a boundary
    const allowed = decisions.filter((d) => d.allowed).length;
    expect(allowed).toBeGreaterThanOrEqual(25);
    expect(allowed).toBeLessThanOrEqual(26);
    const refused = decisions.find((d) => !d.allowed);
    expect(refused?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('decides as the in-process limiter does, request by request, tokens included', async () => {
    let now = T0;
    const clock = () => now;
    const redis = new RedisRateLimiter(connect(), testRedisPrefix('ratelimit'), clock);
    const memory = new InMemoryRateLimiter(clock);
    const s: RateLimitSubject = { tenantId: 'ten_y', apiKeyId: 'key_y', key: { rpm: 7, tpm: 500 }, tenant: { rpm: 9, tpm: null } };
    const steps = [0, 1_000, 2_000, 5_000, 30_000, 59_000, 61_000, 65_000, 90_000, 119_000, 125_000, 180_000, 185_000];
    for (const at of steps)
      for (let i = 0; i < 3; i++) {
        now = T0 + at;
        const [a, b] = [await redis.admit(s), await memory.admit(s)];
        expect([at, i, a]).toEqual([at, i, b]);
        if (a.allowed && i === 0) {
          await redis.recordTokens(s, 90);
          await memory.recordTokens(s, 90);
        }
      }
  });
});
