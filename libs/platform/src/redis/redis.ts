import { Redis, type RedisOptions } from 'ioredis';
import { createLogger } from '../logging/logger';

/** A Redis connection. `maxRetriesPerRequest: null` is what BullMQ requires of its connections. */
export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...opts });
  logConnectionErrors(redis);
  return redis;
}

/**
 * A connection's errors (Redis unreachable, the connection lost) go to the service's log, once per
 * outage: the connection retries by itself, and every failed attempt is an error event, which
 * ioredis otherwise prints to stderr itself, unstructured, several times a second.
 */
function logConnectionErrors(redis: Redis): void {
  const log = createLogger('Redis');
  let failing = false;
  redis.on('error', (err: Error & { code?: string }) => {
    if (failing) return;
    failing = true;
    // the message names the address and the cause; the URL (and any password in it) is not logged
    log.warn({ err: { message: err.message, code: err.code } }, 'Redis connection failed: reconnecting');
  });
  redis.on('ready', () => {
    if (!failing) return;
    failing = false;
    log.info('Redis connection restored');
  });
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

/** The connection is not up (Redis is down, or it is reconnecting): refused here, without a wait. */
export class RedisNotReadyError extends Error {
  readonly code = 'redis_not_ready';
  constructor(status: string) {
    super(`the Redis connection is ${status}`);
    this.name = 'RedisNotReadyError';
  }
}

// a connection that was up and lost Redis: between its reconnect attempts (a first connect, still
// under way at boot, is waited for as before)
const DOWN = new Set(['close', 'reconnecting', 'end']);

/**
 * For a command on a request's path that has an answer for "Redis is down" (refuse with 503, or go
 * on without it): throws at once while the connection has lost Redis, instead of spending a
 * reconnect interval finding out. Once Redis is back the connection is ready again within a
 * reconnect interval.
 */
export function assertRedisReady(redis: Redis): void {
  if (DOWN.has(redis.status)) throw new RedisNotReadyError(redis.status);
}
export type { Redis } from 'ioredis';
