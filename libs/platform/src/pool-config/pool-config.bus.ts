// Tells every model-pool replica that the pool config changed (a write through the admin API), so
// each reloads within a second instead of on its next periodic version check. Redis pub/sub when
// distributed; in process when standalone. The message is only a nudge: a replica compares the
// version in Postgres with the one it loaded, so a duplicate or late message costs one small query.
import { createLogger } from '../logging/logger';
import type { Redis } from '../redis/redis';

export interface PoolConfigBus {
  /** Every subscribed replica (this process included) checks its pool config. */
  publish(): Promise<void>;
  /** `onChange` for each message, and after a reconnect to Redis (a message may have been missed). */
  subscribe(onChange: () => void): Promise<void>;
}

export const POOL_CONFIG_BUS = Symbol('POOL_CONFIG_BUS');

export class RedisPoolConfigBus implements PoolConfigBus {
  private readonly log = createLogger('RedisPoolConfigBus');
  private readonly channel: string;
  private onLocal?: () => void;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}pool:config-changed`;
  }

  /** Never throws: the write it follows has committed, and a replica that misses the nudge finds the change by its periodic version check. */
  async publish(): Promise<void> {
    this.onLocal?.();
    try {
      await this.redis.publish(this.channel, 'changed');
    } catch (err) {
      this.log.warn({ err }, 'could not announce a pool config change; replicas pick it up at their next version check');
    }
  }

  async subscribe(onChange: () => void): Promise<void> {
    this.onLocal = onChange;
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.channel) onChange();
    });
    let connected = false;
    this.subscriber.on('ready', () => {
      if (connected) {
        this.log.warn('reconnected to Redis: checking the pool config, a change may have been missed');
        onChange();
      }
      connected = true;
    });
    await this.subscriber.subscribe(this.channel);
    connected = true;
  }
}

export class InProcessPoolConfigBus implements PoolConfigBus {
  private readonly listeners: Array<() => void> = [];

  async publish(): Promise<void> {
    for (const l of this.listeners) l();
  }

  async subscribe(onChange: () => void): Promise<void> {
    this.listeners.push(onChange);
  }
}
