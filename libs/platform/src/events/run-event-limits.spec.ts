import type { RunEventBody } from '@shoal/contracts';
import { boundRunEvent, boundRunEventJson } from './run-event-limits';

const finished = (answer: unknown): RunEventBody => ({
  event: 'workflow_finished',
  data: {
    id: 'run_1',
    workflow_id: 'wf_1',
    status: 'succeeded',
    outputs: { answer },
    error: null,
    elapsed_time: 0.5,
    total_tokens: 13,
    total_steps: 3,
    created_at: 1,
    finished_at: 2,
  },
});

describe('boundRunEventJson', () => {
  it('gives what boundRunEvent gives, and its JSON, for events under, at and over the field bound (multi-byte text and escapes included)', () => {
    const max = 200;
    const bodies = [
      finished('short'),
      finished('é😀"quoted"\n'.repeat(5)),
      finished('x'.repeat(120)),
      finished('é'.repeat(150)),
      finished('y'.repeat(500)),
      finished(Array.from({ length: 100 }, (_, i) => i)),
    ];
    for (const body of bodies) {
      const bounded = boundRunEvent(body, max);
      const got = boundRunEventJson(body, max);
      expect(got.body).toEqual(bounded);
      expect(got.json).toBe(JSON.stringify(bounded));
    }
  });

  it('leaves an event whose whole JSON fits the bound as it is, unwalked', () => {
    const body = finished('fits');
    expect(boundRunEventJson(body, 64 * 1024).body).toBe(body);
  });
});
