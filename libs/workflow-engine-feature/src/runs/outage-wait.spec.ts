import { waitOutOutages } from './outage-wait';

const outage = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

function hooks(stopping = () => false) {
  const waits: number[] = [];
  return { waits, hooks: { onWait: (_e: unknown, ms: number) => void waits.push(ms), stopping, sleep: async () => undefined } };
}

it('tries again after an infrastructure error, with growing waits, until the attempt settles', async () => {
  let calls = 0;
  const h = hooks();
  await waitOutOutages(
    async () => {
      if (++calls < 4) throw outage();
    },
    60_000,
    h.hooks,
  );
  expect(calls).toBe(4);
  expect(h.waits).toEqual([250, 500, 1000]);
});

it("lets the run's own error through at once", async () => {
  const h = hooks();
  await expect(waitOutOutages(async () => Promise.reject(new Error('bad graph')), 60_000, h.hooks)).rejects.toThrow('bad graph');
  expect(h.waits).toEqual([]);
});

it('gives up when the budget is spent, and when the process is stopping', async () => {
  const h = hooks();
  await expect(waitOutOutages(async () => Promise.reject(outage()), 0, h.hooks)).rejects.toThrow('ECONNREFUSED');
  const stopping = hooks(() => true);
  await expect(waitOutOutages(async () => Promise.reject(outage()), 60_000, stopping.hooks)).rejects.toThrow('ECONNREFUSED');
  expect(stopping.waits).toEqual([]);
});
