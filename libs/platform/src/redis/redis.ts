import { Redis, type RedisOptions } from 'ioredis';

/** A Redis connection. `maxRetriesPerRequest: null` is what BullMQ requires of its connections. */
export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...opts });
}

/**
 * For the connection requests go through: while Redis is unreachable a command fails within about
 * a reconnect interval (it is tried once more after one reconnect attempt, and attempts come at
 * most `REDIS_RECONNECT_MAX_MS` apart) instead of waiting in the offline queue until Redis is back,
 * so a request answers 503 quickly rather than hanging. BullMQ keeps its own patient connection.
 */
export const REDIS_RECONNECT_MAX_MS = 500;
export const FAIL_FAST_REDIS: RedisOptions = {
  maxRetriesPerRequest: 1,
  retryStrategy: (times: number) => Math.min(times * 50, REDIS_RECONNECT_MAX_MS),
};
export type { Redis } from 'ioredis';
