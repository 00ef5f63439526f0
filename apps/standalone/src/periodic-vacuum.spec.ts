import { configureRootLogger } from '@shoal/platform';
import { PeriodicVacuum, TABLES_SQL, VACUUM_AT_MOST_EVERY_MS, VOLUME_CHECK_EVERY_MS, vacuumEachTable } from './periodic-vacuum';

beforeAll(() => configureRootLogger({ service: 'test', level: 'silent' }));
afterEach(() => jest.useRealTimers());

describe('PeriodicVacuum', () => {
  it('vacuums once per interval, never two at once, and goes on after a failure', async () => {
    jest.useFakeTimers();
    const finishers: Array<(err?: Error) => void> = [];
    const vacuum = jest.fn(() => new Promise<void>((resolve, reject) => finishers.push((err) => (err ? reject(err) : resolve()))));
    const p = new PeriodicVacuum(vacuum, 1_000);
    p.start();
    expect(vacuum).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(vacuum).toHaveBeenCalledTimes(1);
    // still running at the next tick: not started again
    await jest.advanceTimersByTimeAsync(1_000);
    expect(vacuum).toHaveBeenCalledTimes(1);
    finishers[0](new Error('database is busy'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(vacuum).toHaveBeenCalledTimes(2);
    finishers[1]();
    await p.stop();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(vacuum).toHaveBeenCalledTimes(2);
  });

  it('stop waits for the vacuum that is running', async () => {
    let finish!: () => void;
    const p = new PeriodicVacuum(() => new Promise<void>((resolve) => (finish = resolve)), 60_000);
    const once = p.runOnce();
    let stopped = false;
    const stopping = p.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    finish();
    await Promise.all([once, stopping]);
    expect(stopped).toBe(true);
  });

  it('vacuums sooner after much has been written, but no more often than its floor', async () => {
    jest.useFakeTimers();
    let served = 0;
    const vacuum = jest.fn(() => Promise.resolve());
    const p = new PeriodicVacuum(vacuum, 10 * 60_000, { served: () => served, after: 1_000 });
    p.start();
    served = 999;
    await jest.advanceTimersByTimeAsync(VOLUME_CHECK_EVERY_MS);
    expect(vacuum).not.toHaveBeenCalled();
    served = 1_000;
    await jest.advanceTimersByTimeAsync(VOLUME_CHECK_EVERY_MS);
    expect(vacuum).toHaveBeenCalledTimes(1);
    // as much again at once: due, but not before the floor since the last one
    served = 2_500;
    await jest.advanceTimersByTimeAsync(VOLUME_CHECK_EVERY_MS);
    expect(vacuum).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(VACUUM_AT_MOST_EVERY_MS);
    expect(vacuum).toHaveBeenCalledTimes(2);
    // nothing written since: only the clock's interval calls for one
    await jest.advanceTimersByTimeAsync(VACUUM_AT_MOST_EVERY_MS * 2);
    expect(vacuum).toHaveBeenCalledTimes(2);
    await p.stop();
  });
});

describe('vacuumEachTable', () => {
  it('vacuums and analyzes each table in a statement of its own, going on past one that fails', async () => {
    const sent: string[] = [];
    const run = async (sql: string) => {
      sent.push(sql);
      if (sql === TABLES_SQL) return [{ name: 'public.a' }, { name: 'public."b c"' }, { name: 'pg_catalog.pg_class' }];
      if (sql.endsWith('public."b c"')) throw new Error('relation "public.b c" does not exist');
      return [];
    };
    await expect(vacuumEachTable(run)).rejects.toThrow('does not exist');
    expect(sent).toEqual([
      TABLES_SQL,
      'VACUUM (ANALYZE) public.a',
      'VACUUM (ANALYZE) public."b c"',
      'VACUUM (ANALYZE) pg_catalog.pg_class',
    ]);
  });
});
