// While the request connection is not up, the commands that have an answer for "Redis is down"
// refuse at once rather than spending a reconnect interval finding out.
import { Redis } from 'ioredis';
import { RedisRateLimiter } from '../rate-limit/redis.rate-limiter';
import { RateLimitGate } from '../rate-limit/rate-limit.gate';
import { RedisUsageLog } from '../usage/redis.usage-log';
import { FAIL_FAST_REDIS, RedisNotReadyError, assertRedisReady } from './redis';

// a connection to a port nobody serves: refused, it waits between reconnect attempts ('reconnecting'),
// as a connection that lost Redis does
let redis: Redis;
beforeEach(async () => {
  redis = new Redis('redis://127.0.0.1:1', FAIL_FAST_REDIS);
  redis.on('error', () => undefined);
  for (let i = 0; i < 200 && redis.status !== 'reconnecting'; i++) await new Promise((r) => setTimeout(r, 10));
  expect(redis.status).toBe('reconnecting');
});
afterEach(() => redis.disconnect());

it('a first connect still under way is waited for, as before (boot)', () => {
  const booting = new Redis('redis://127.0.0.1:1', { ...FAIL_FAST_REDIS, lazyConnect: true });
  try {
    expect(booting.status).toBe('wait');
    expect(() => assertRedisReady(booting)).not.toThrow();
  } finally {
    booting.disconnect();
  }
});

const subject = {
  tenantId: 'ten_1',
  apiKeyId: 'key_1',
  key: { rpm: 10, tpm: null },
  tenant: { rpm: null, tpm: null },
};

it('the usage log refuses an intent: the call is not made', async () => {
  const log = new RedisUsageLog(redis, 'test:');
  await expect(log.begin('call#1', '{}', Date.now())).rejects.toBeInstanceOf(RedisNotReadyError);
});

it('the rate limiter cannot answer, and its gate lets the request through without waiting for its timeout', async () => {
  const limiter = new RedisRateLimiter(redis, 'test:');
  await expect(limiter.admit(subject)).rejects.toBeInstanceOf(RedisNotReadyError);
  // a gate whose timeout would never fire within the test: only the refusal can answer it
  const gate = new RateLimitGate(limiter, { key: { rpm: 10, tpm: null }, tenant: { rpm: null, tpm: null } }, 3_600_000);
  const ctx = { tenantId: 'ten_1', apiKeyId: 'key_1' } as Parameters<RateLimitGate['admit']>[0];
  await expect(gate.admit(ctx, false)).resolves.toEqual({});
});
