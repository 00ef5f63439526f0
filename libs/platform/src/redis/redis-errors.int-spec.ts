// A connection's errors reach the service's log once per outage, not ioredis' stderr on every
// reconnect attempt; no password from the URL is in them.
import { Writable } from 'node:stream';
import { configureRootLogger } from '../logging/logger';
import { FAIL_FAST_REDIS, createRedis } from './redis';

jest.setTimeout(30_000);

it('logs one warning for a connection that keeps failing, without the URL’s password', async () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  configureRootLogger({ service: 'test', level: 'info', destination });
  const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  // a port nobody serves: every reconnect attempt fails
  const redis = createRedis('redis://:hunter2-secret@127.0.0.1:1', FAIL_FAST_REDIS);
  try {
    let errors = 0;
    redis.on('error', () => errors++);
    for (let i = 0; i < 500 && errors < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(errors).toBeGreaterThanOrEqual(3);
    const warnings = lines.filter((l) => l.includes('Redis connection failed'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] as string)).toMatchObject({ name: 'Redis', err: { code: 'ECONNREFUSED' } });
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(printed).not.toHaveBeenCalled();
  } finally {
    redis.disconnect();
    printed.mockRestore();
    configureRootLogger({ service: 'test', level: 'silent' });
  }
});
