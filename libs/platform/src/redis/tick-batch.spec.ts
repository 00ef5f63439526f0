import { TickBatch, TickBatchGroups } from './tick-batch';

describe('TickBatch', () => {
  it('sends what was added in one turn of the event loop as one batch, and settles each caller when it is written', async () => {
    const sent: number[][] = [];
    const batch = new TickBatch<number>(async (items) => void sent.push(items));
    const first = [batch.add(1), batch.add(2), batch.add(3)];
    expect(sent).toEqual([]); // not before the turn's I/O has run
    await Promise.all(first);
    await batch.add(4);
    expect(sent).toEqual([[1, 2, 3], [4]]);
  });

  it('fails every caller of a batch that could not be written, and goes on with the next', async () => {
    let fail = true;
    const batch = new TickBatch<string>(async () => {
      if (fail) throw new Error('Connection is closed.');
    });
    const a = batch.add('a');
    const b = batch.add('b');
    await expect(a).rejects.toThrow('Connection is closed.');
    await expect(b).rejects.toThrow('Connection is closed.');
    fail = false;
    await expect(batch.add('c')).resolves.toBeUndefined();
  });

  it('sends a full batch at once', () => {
    const sent: number[][] = [];
    const batch = new TickBatch<number>(async (items) => void sent.push(items), 2);
    void batch.add(1);
    void batch.add(2);
    void batch.add(3);
    expect(sent).toEqual([[1, 2]]);
  });

  it('fails the callers when building the command throws', async () => {
    const batch = new TickBatch<number>(() => {
      throw new Error('bad argument');
    });
    await expect(batch.add(1)).rejects.toThrow('bad argument');
  });
});

describe('TickBatchGroups', () => {
  it('sends each group of one turn as its own batch, and starts over in the next turn', async () => {
    const sent: string[][] = [];
    const groups = new TickBatchGroups<string>(async (items) => void sent.push(items));
    await Promise.all([groups.add('dep_a', 'a1'), groups.add('dep_b', 'b1'), groups.add('dep_a', 'a2')]);
    await groups.add('dep_a', 'a3');
    expect(sent).toEqual([['a1', 'a2'], ['b1'], ['a3']]);
  });
});
