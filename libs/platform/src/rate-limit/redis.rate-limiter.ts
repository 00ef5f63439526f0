// Rate limits shared by every replica: one Lua script reads all of a request's limits and, only if
// every one has room, counts the request in all of them, atomically. Scripts are sent by their
// SHA (EVALSHA), not as text on every request, and are auto-pipelined when the connection is.
import type { Redis } from 'ioredis';
import { assertRedisReady } from '../redis/redis';
import { TickBatchGroups } from '../redis/tick-batch';
import {
  decide,
  evaluate,
  limitSpecs,
  tokenKeys,
  WINDOW_MS,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitSubject,
} from './rate-limit';

// KEYS: per limit, its current-minute and previous-minute counters. ARGV: now (ms), window (ms),
// then per limit its quota and cost. Returns the counts it read, and 1 when it counted the request.
const ADMIT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local elapsed = (now % window) / window
local n = #KEYS / 2
local counts = {}
local ok = 1
for i = 1, n do
  local cur = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local prev = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  counts[2 * i - 1] = cur
  counts[2 * i] = prev
  local quota = tonumber(ARGV[1 + 2 * i])
  local cost = tonumber(ARGV[2 + 2 * i])
  local need = cost
  if need < 1 then need = 1 end
  if cur + prev * (1 - elapsed) + need > quota then ok = 0 end
end
if ok == 1 then
  for i = 1, n do
    local cost = tonumber(ARGV[2 + 2 * i])
    if cost > 0 then
      redis.call('INCRBY', KEYS[2 * i - 1], cost)
      redis.call('PEXPIRE', KEYS[2 * i - 1], 2 * window + 1000)
    end
  end
end
counts[2 * n + 1] = ok
return counts
`;

// KEYS: the token counters of the current minute. ARGV: tokens, expiry (ms).
const RECORD_TOKENS = `
for i = 1, #KEYS do
  redis.call('INCRBY', KEYS[i], ARGV[1])
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
return 1`;

type Scripts = {
  // the key count comes first: a request has one to four limits
  shoalRateAdmit(numberOfKeys: number, ...args: Array<string | number>): Promise<number[]>;
  shoalRateRecordTokens(numberOfKeys: number, ...args: Array<string | number>): Promise<number>;
};

export class RedisRateLimiter implements RateLimiter {
  // the tokens of a key's calls that ended in the same turn of the event loop are counted in one
  // command (a script's keys are one tenant's: one per key and tenant, not one for all)
  private readonly pendingTokens = new TickBatchGroups<{ subject: Pick<RateLimitSubject, 'tenantId' | 'apiKeyId'>; tokens: number }>(
    (all) =>
      this.countTokens(
        all[0].subject,
        all.reduce((sum, t) => sum + t.tokens, 0),
      ),
  );
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: () => number = Date.now,
  ) {
    redis.defineCommand('shoalRateAdmit', { lua: ADMIT });
    redis.defineCommand('shoalRateRecordTokens', { lua: RECORD_TOKENS });
  }

  async admit(subject: RateLimitSubject): Promise<RateLimitDecision> {
    const specs = limitSpecs(subject);
    if (specs.length === 0) return { allowed: true, retryAfterSeconds: 0, limits: [] };
    // the gate lets a request through when the limiter cannot answer: while Redis is down, at once
    assertRedisReady(this.redis);
    const now = this.clock();
    const minute = Math.floor(now / WINDOW_MS);
    const keys = specs.flatMap((s) => [this.key(subject.tenantId, s.key, minute), this.key(subject.tenantId, s.key, minute - 1)]);
    const args = [now, WINDOW_MS, ...specs.flatMap((s) => [s.quota, s.cost])];
    const out = await this.scripts().shoalRateAdmit(keys.length, ...keys, ...args);
    // the evaluation below uses the counts the script read, before its own increment
    return decide(specs.map((s, i) => evaluate(s, out[2 * i], out[2 * i + 1], now)));
  }

  async recordTokens(subject: Pick<RateLimitSubject, 'tenantId' | 'apiKeyId'>, tokens: number): Promise<void> {
    if (!(tokens > 0)) return;
    await this.pendingTokens.add(`${subject.tenantId}\u0000${subject.apiKeyId}`, { subject, tokens: Math.ceil(tokens) });
  }

  private async countTokens(subject: Pick<RateLimitSubject, 'tenantId' | 'apiKeyId'>, tokens: number): Promise<void> {
    const minute = Math.floor(this.clock() / WINDOW_MS);
    const keys = tokenKeys(subject).map((k) => this.key(subject.tenantId, k, minute));
    await this.scripts().shoalRateRecordTokens(keys.length, ...keys, tokens, 2 * WINDOW_MS + 1000);
  }

  private scripts(): Scripts {
    return this.redis as unknown as Scripts;
  }

  // one hash slot per tenant: a request's keys (its key's and its tenant's) can be used by one script on a cluster too
  private key(tenantId: string, limitKey: string, minute: number): string {
    return `${this.prefix}rl:{${tenantId}}:${limitKey}:${minute}`;
  }
}
