import { decodeRunEndRecord, encodeRunEndRecord, type RunEndColumns } from './run-end-record';

const row: RunEndColumns<Date> = {
  status: 'partial-succeeded',
  error: null,
  total_tokens: 42,
  total_steps: 3,
  total_price: '0.000123456789',
  currency: 'USD',
  elapsed_ms: 17,
  attempts: 1,
  worker_id: 'lease-1',
  cancel_requested_at: null,
  started_at: new Date('2026-11-30T10:00:00.000Z'),
  finished_at: new Date('2026-11-30T10:00:01.500Z'),
  updated_at: new Date('2026-11-30T10:00:01.500Z'),
};

describe('the run end record', () => {
  it('travels as JSON and decodes to the same columns, times as ISO strings, outputs as stored', () => {
    const text = encodeRunEndRecord(row, '{"b": 1, "a": "x"}');
    const decoded = decodeRunEndRecord(JSON.parse(text));
    expect(decoded?.outputs).toEqual({ b: 1, a: 'x' });
    expect(Object.keys(decoded?.outputs ?? {})).toEqual(['b', 'a']);
    expect(decoded?.row).toEqual({
      ...row,
      started_at: '2026-11-30T10:00:00.000Z',
      finished_at: '2026-11-30T10:00:01.500Z',
      updated_at: '2026-11-30T10:00:01.500Z',
    });
  });

  it('carries null outputs (a failed run)', () => {
    expect(decodeRunEndRecord(JSON.parse(encodeRunEndRecord({ ...row, status: 'failed', error: 'boom' }, null)))?.outputs).toBeNull();
  });

  it.each([
    ['nothing', undefined],
    ['a string', 'x'],
    ['another version', { v: 2, outputs: null, row: {} }],
    ['no row', { v: 1, outputs: null }],
    [
      'a row without its end time',
      { v: 1, outputs: null, row: { status: 'succeeded', total_tokens: 1, total_steps: 1, total_price: '0' } },
    ],
    ['a price as a number', { v: 1, outputs: null, row: { ...JSON.parse(JSON.stringify(row)), total_price: 0.1 } }],
    ['outputs as an array', { v: 1, outputs: [1], row: JSON.parse(JSON.stringify(row)) }],
  ])('is not decoded from %s (the caller reads the row instead)', (_, end) => {
    expect(decodeRunEndRecord(end)).toBeUndefined();
  });
});
