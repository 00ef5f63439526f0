import { testRedisPrefix, testRedisUrl } from '@shoal/testing';
import { createRedis, type Redis } from '../redis/redis';
import { InMemoryRunCancelBus, RedisRunCancelBus } from './run-cancel-bus';

const prefix = testRedisPrefix('cancel_bus');
const conns: Redis[] = [];
const redis = () => {
  const r = createRedis(testRedisUrl());
  conns.push(r);
  return r;
};
afterAll(async () => {
  await Promise.all(conns.map((c) => c.quit()));
});

/** Resolves with the first run id `bus` hears; the guard timer only fails a test that would hang. */
function heard(listen: (on: (id: string) => void) => Promise<() => void>): Promise<{ ids: Promise<string>; stop: () => void }> {
  let got!: (id: string) => void;
  const ids = new Promise<string>((resolve, reject) => {
    got = resolve;
    setTimeout(() => reject(new Error('no cancel heard')), 10_000).unref();
  });
  return listen(got).then((stop) => ({ ids, stop }));
}

describe('RedisRunCancelBus', () => {
  it('carries a cancel from one process (the gateway) to another (an engine worker) through Redis', async () => {
    const gateway = new RedisRunCancelBus(redis(), redis(), prefix);
    const worker = new RedisRunCancelBus(redis(), redis(), prefix);
    const { ids, stop } = await heard((on) => worker.listen(on));
    await gateway.publish('run_01');
    expect(await ids).toBe('run_01');
    stop();
  });

  it('does not hear cancels published under another prefix', async () => {
    const other = new RedisRunCancelBus(redis(), redis(), `${prefix}other:`);
    const worker = new RedisRunCancelBus(redis(), redis(), prefix);
    const seen: string[] = [];
    const stop = await worker.listen((id) => seen.push(id));
    const { ids, stop: stop2 } = await heard((on) => worker.listen(on));
    await other.publish('run_other');
    await new RedisRunCancelBus(redis(), redis(), prefix).publish('run_mine');
    expect(await ids).toBe('run_mine');
    expect(seen).toEqual(['run_mine']);
    stop();
    stop2();
  });
});

describe('InMemoryRunCancelBus', () => {
  it('delivers to the listeners of this process until they stop listening', async () => {
    const bus = new InMemoryRunCancelBus();
    const seen: string[] = [];
    const stop = await bus.listen((id) => seen.push(id));
    await bus.publish('run_a');
    stop();
    await bus.publish('run_b');
    expect(seen).toEqual(['run_a']);
  });
});
