// Tells the process that holds a run to stop it. The durable record of a cancel is the run row's
// cancel_requested_at (a worker that takes the run over later reads it there); this is the fast path.
import { createLogger } from '../logging/logger';
import type { Redis } from '../redis/redis';

export const RUN_CANCEL_BUS = Symbol('RUN_CANCEL_BUS');

export interface RunCancelBus {
  /** Announces that `runId` was cancelled, to every process listening (this one included). */
  publish(runId: string): Promise<void>;
  /** Calls `onCancel` with each cancelled run id; resolves once listening, with a function that stops it. */
  listen(onCancel: (runId: string) => void): Promise<() => void>;
}

/** One process (standalone, tests): a cancel reaches the listeners of this process only. */
export class InMemoryRunCancelBus implements RunCancelBus {
  private readonly listeners = new Set<(runId: string) => void>();

  async publish(runId: string): Promise<void> {
    for (const l of this.listeners) l(runId);
  }

  async listen(onCancel: (runId: string) => void): Promise<() => void> {
    this.listeners.add(onCancel);
    return () => void this.listeners.delete(onCancel);
  }
}

/** Redis pub/sub on one channel: every engine worker hears every cancel and stops the runs it holds. */
export class RedisRunCancelBus implements RunCancelBus {
  private readonly log = createLogger('RedisRunCancelBus');
  private readonly channel: string;
  private readonly listeners = new Set<(runId: string) => void>();
  private subscribed: Promise<unknown> | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}run-cancel`;
    this.subscriber.on('message', (channel: string, runId: string) => {
      if (channel !== this.channel) return;
      for (const l of this.listeners) l(runId);
    });
  }

  async publish(runId: string): Promise<void> {
    await this.redis.publish(this.channel, runId);
  }

  async listen(onCancel: (runId: string) => void): Promise<() => void> {
    this.listeners.add(onCancel);
    this.subscribed ??= this.subscriber.subscribe(this.channel);
    try {
      await this.subscribed;
    } catch (err) {
      this.subscribed = null;
      this.listeners.delete(onCancel);
      throw err;
    }
    return () => {
      this.listeners.delete(onCancel);
      if (this.listeners.size > 0 || !this.subscribed) return;
      this.subscribed = null;
      this.subscriber.unsubscribe(this.channel).catch((err: unknown) => this.log.warn({ err }, 'unsubscribe failed'));
    };
  }
}
