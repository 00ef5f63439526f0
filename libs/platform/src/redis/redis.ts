import { Redis, type RedisOptions } from 'ioredis';

/** A Redis connection. `maxRetriesPerRequest: null` is what BullMQ requires of its connections. */
export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...opts });
}
export type { Redis } from 'ioredis';
