// Tells every replica's API-key cache that a key changed (revoked, created), so a revoked key stops
// working everywhere at once instead of when each replica's cache entry expires, and a new key is
// not refused by a replica that remembered it as unknown. Redis pub/sub when distributed; in
// process when standalone (one process, one cache).
import { createLogger } from '../logging/logger';
import type { Redis } from '../redis/redis';

export interface KeyInvalidationBus {
  /** Every subscribed replica (this one included) drops `hash` from its caches. */
  publish(hash: string): Promise<void>;
  /**
   * `onHash` for each published hash; `onGap` when messages may have been missed (the connection
   * to Redis dropped and came back): the subscriber must then forget everything it cached.
   */
  subscribe(onHash: (hash: string) => void, onGap: () => void): Promise<void>;
}

export const KEY_INVALIDATION_BUS = Symbol('KEY_INVALIDATION_BUS');

const HASH = /^[0-9a-f]{64}$/;

export class RedisKeyInvalidationBus implements KeyInvalidationBus {
  private readonly log = createLogger('RedisKeyInvalidationBus');
  private readonly channel: string;
  private onLocal?: (hash: string) => void;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}auth:key-invalidated`;
  }

  async publish(hash: string): Promise<void> {
    // this replica forgets at once: its own message comes back through Redis only a moment later,
    // and the caller's next request must not find the key still cached here
    this.onLocal?.(hash);
    await this.redis.publish(this.channel, hash);
  }

  async subscribe(onHash: (hash: string) => void, onGap: () => void): Promise<void> {
    this.onLocal = onHash;
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel && HASH.test(message)) onHash(message);
    });
    let connected = false;
    // ioredis subscribes again after a reconnect; what was published in between is lost
    this.subscriber.on('ready', () => {
      if (connected) {
        this.log.warn('reconnected to Redis: forgetting every cached API key, invalidations may have been missed');
        onGap();
      }
      connected = true;
    });
    await this.subscriber.subscribe(this.channel);
    connected = true;
  }
}

export class InProcessKeyInvalidationBus implements KeyInvalidationBus {
  private readonly listeners: Array<(hash: string) => void> = [];

  async publish(hash: string): Promise<void> {
    for (const l of this.listeners) l(hash);
  }

  async subscribe(onHash: (hash: string) => void): Promise<void> {
    this.listeners.push(onHash);
  }
}
