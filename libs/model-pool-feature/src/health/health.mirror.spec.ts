import { blockAt } from '@shoal/model-routing';
import { HealthMirror } from './health.mirror';

const T0 = 1_700_000_000_000;
const msg = (v: number, cu: number, extra: object = {}) =>
  JSON.stringify({ id: 'dep_a', v, cu, cr: 'rate_limited', bo: 0, bu: 0, lk: 'rate_limited', ...extra });

describe('HealthMirror', () => {
  it('keeps the newest version of a deployment, whatever order messages and reads arrive in', () => {
    const m = new HealthMirror();
    m.start();
    m.apply(msg(3, T0 + 5_000));
    m.apply(msg(2, T0 + 60_000));
    expect(blockAt(m.get('dep_a')!, T0)).toEqual({ untilMs: T0 + 5_000, reason: 'rate_limited' });
    m.offer({ id: 'dep_a', v: 4, cu: 0, cr: '', bo: 1, bu: T0 + 10_000, lk: 'server_error' });
    expect(blockAt(m.get('dep_a')!, T0)).toEqual({ untilMs: T0 + 10_000, reason: 'server_error' });
  });

  it('answers nothing while not subscribed, and forgets what it held when the subscription drops', () => {
    const m = new HealthMirror();
    m.apply(msg(1, T0 + 5_000));
    expect(m.get('dep_a')).toBeUndefined();
    m.start();
    m.apply(msg(1, T0 + 5_000));
    expect(m.get('dep_a')).toBeDefined();
    m.stop();
    expect(m.get('dep_a')).toBeUndefined();
    m.start();
    expect(m.get('dep_a')).toBeUndefined();
  });

  it('ignores messages that are not routing views', () => {
    const m = new HealthMirror();
    m.start();
    for (const bad of ['nope', '{}', JSON.stringify({ id: 'dep_a', v: 'x', cu: 1, bu: 1 }), 'null']) m.apply(bad);
    expect(m.received).toBe(0);
    expect(m.get('dep_a')).toBeUndefined();
  });
});
