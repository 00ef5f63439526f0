import { RunDeadlines } from './run-deadlines';

/** A deadline's fire callback, and a promise that resolves when it is called. */
function fired(log: string[], name: string): { fire: () => void; done: Promise<void> } {
  let done!: () => void;
  const promise = new Promise<void>((resolve) => (done = resolve));
  return {
    fire: () => {
      log.push(name);
      done();
    },
    done: promise,
  };
}

describe('RunDeadlines', () => {
  it('fires every deadline not cancelled, earliest first, each once', async () => {
    const deadlines = new RunDeadlines();
    const log: string[] = [];
    const late = fired(log, 'late');
    deadlines.add(40, late.fire);
    deadlines.add(5, () => log.push('cancelled')).cancel();
    deadlines.add(10, fired(log, 'early').fire);
    deadlines.add(20, fired(log, 'middle').fire);
    await late.done;
    expect(log).toEqual(['early', 'middle', 'late']);
  });

  it('fires a deadline that comes before the one the timer waits for without waiting for that one', async () => {
    const deadlines = new RunDeadlines();
    const log: string[] = [];
    const far = deadlines.add(600_000, () => log.push('far'));
    const near = fired(log, 'near');
    deadlines.add(5, near.fire);
    await near.done;
    expect(log).toEqual(['near']);
    far.cancel();
  });

  it('keeps deadlines in order as they come and go', async () => {
    const deadlines = new RunDeadlines();
    const log: string[] = [];
    const delay = (i: number) => 2 + 3 * ((i * 37) % 50);
    const last = fired(log, 'last');
    const handles = Array.from({ length: 50 }, (_, i) => deadlines.add(delay(i), () => log.push(String(i))));
    deadlines.add(200, last.fire);
    for (let i = 0; i < 50; i += 3) handles[i].cancel();
    await last.done;
    const kept = Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 3 !== 0);
    expect(log.slice(0, -1).map(Number).map(delay)).toEqual(kept.map(delay).sort((a, b) => a - b));
    expect(new Set(log.slice(0, -1))).toEqual(new Set(kept.map(String)));
  });
});
