import { ConnectionEnd } from './in-process-connection';

const tick = () => new Promise((r) => setImmediate(r));

describe('ConnectionEnd', () => {
  it('hands each write to the other end, and what was written corked as one chunk', () => {
    const [a, b] = ConnectionEnd.pair();
    const got: string[] = [];
    b.on('data', (d: Buffer) => got.push(d.toString()));
    a.write(Buffer.from('one'));
    a.cork();
    a.write('two');
    a.write(Buffer.from('three'));
    expect(got).toEqual(['one']);
    a.uncork();
    expect(got).toEqual(['one', 'twothree']);
  });

  it('ends both ends when one ends, then closes both; nothing is written after', async () => {
    const [a, b] = ConnectionEnd.pair();
    const events: string[] = [];
    a.on('close', () => events.push('a close'));
    b.on('end', () => events.push('b end'));
    b.on('close', () => events.push('b close'));
    const written = jest.fn();
    a.end(Buffer.from('last'), written);
    expect(a.write('late')).toBe(false);
    await tick();
    await tick();
    expect(events.sort()).toEqual(['a close', 'b close', 'b end']);
    expect(written).toHaveBeenCalled();
    expect([a.destroyed, b.destroyed]).toEqual([true, true]);
  });

  it('closes both ends on destroy, with the error on the end destroyed with one', async () => {
    const [a, b] = ConnectionEnd.pair();
    const errors: unknown[] = [];
    a.on('error', (e) => errors.push(e));
    const closed = jest.fn();
    b.on('close', closed);
    a.destroy(new Error('timeout expired'));
    await tick();
    expect(errors).toEqual([new Error('timeout expired')]);
    expect(closed).toHaveBeenCalled();
    expect(b.write('x')).toBe(false);
  });
});
