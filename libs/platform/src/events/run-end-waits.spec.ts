import pino from 'pino';
import { RunEndWaits } from './run-end-waits';

const silent = pino({ level: 'silent' });

describe('RunEndWaits', () => {
  it('ends every wait for a run with its parsed end record, and forgets the run', async () => {
    const waits = new RunEndWaits(silent);
    const a = waits.open('run_1', new AbortController().signal);
    const b = waits.open('run_1', new AbortController().signal);
    const other = waits.open('run_2', new AbortController().signal);
    waits.end('run_1', '{"v":1,"outputs":{"x":1}}');
    expect(await a.ended).toEqual({ v: 1, outputs: { x: 1 } });
    expect(await b.ended).toEqual({ v: 1, outputs: { x: 1 } });
    a.release();
    b.release();
    expect([...waits.runIds()]).toEqual(['run_2']);
    other.release();
    expect([...waits.runIds()]).toEqual([]);
  });

  it('ends with undefined when there is no record, or one that does not parse', async () => {
    const waits = new RunEndWaits(silent);
    const a = waits.open('run_1', new AbortController().signal);
    waits.end('run_1', undefined);
    expect(await a.ended).toBeUndefined();
    const b = waits.open('run_2', new AbortController().signal);
    waits.end('run_2', '{not json');
    expect(await b.ended).toBeUndefined();
  });

  it('ends a wait whose signal aborts; its release leaves the run’s other waits in place', async () => {
    const waits = new RunEndWaits(silent);
    const abort = new AbortController();
    const a = waits.open('run_1', abort.signal);
    const b = waits.open('run_1', new AbortController().signal);
    abort.abort();
    expect(await a.ended).toBeUndefined();
    a.release();
    expect([...waits.runIds()]).toEqual(['run_1']);
    waits.end('run_1', '1');
    expect(await b.ended).toBe(1);
    b.release();
  });
});
