import { DEFAULT_PRICE_CATALOG } from '@shoal/pricing';
import { buildUsageBatch } from './usage-batch';
import { entry, usageEvent } from './usage-fixtures.spec-helper';

describe('buildUsageBatch', () => {
  it('turns each entry into one row with the cost priced at the call site', () => {
    const a = usageEvent();
    const b = usageEvent({ attempt: 2, cost: { input: '1', output: '2', total: '3', currency: 'EUR' } });
    const batch = buildUsageBatch([entry('1-0', a), entry('1-1', b)], DEFAULT_PRICE_CATALOG);
    expect(batch.ids).toEqual(['1-0', '1-1']);
    expect(batch.rejected).toEqual([]);
    expect(batch.rows.map((r) => [r.callId, r.attempt, r.totalCost, r.currency])).toEqual([
      [a.callId, 1, '0.00000849', 'USD'],
      [b.callId, 2, '3', 'EUR'],
    ]);
    expect(batch.rows[0]).toMatchObject({ tenantId: 'ten_ledger', promptTokens: 7, completionTokens: 6, estimated: false });
    expect(batch.rows[0].id).toMatch(/^use_/);
    expect(batch.rows[0].startedAt.toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });

  it('keeps the first of the same attempt delivered twice in one batch, and acknowledges both', () => {
    const a = usageEvent();
    const batch = buildUsageBatch([entry('1-0', a), entry('1-1', { ...a, promptTokens: 9999 })], DEFAULT_PRICE_CATALOG);
    expect(batch.rows).toHaveLength(1);
    expect(batch.rows[0].promptTokens).toBe(7);
    expect(batch.ids).toEqual(['1-0', '1-1']);
  });

  it('keeps two attempts of one call as two rows', () => {
    const a = usageEvent();
    expect(buildUsageBatch([entry('1', a), entry('2', { ...a, attempt: 2 })], DEFAULT_PRICE_CATALOG).rows).toHaveLength(2);
  });

  it('prices an entry the call site did not price (a reaped intent) from the catalog, and an unknown model at zero', () => {
    const reaped = usageEvent({ cost: null, estimated: true, status: 'interrupted' });
    const unknown = usageEvent({ cost: null, model: 'brand-new', upstreamModel: 'brand-new' });
    const batch = buildUsageBatch([entry('1', reaped), entry('2', unknown)], DEFAULT_PRICE_CATALOG);
    expect(batch.rows.map((r) => [r.totalCost, r.currency, r.estimated, r.status])).toEqual([
      ['0.00000849', 'USD', true, 'interrupted'],
      ['0', 'USD', false, 'succeeded'],
    ]);
    expect(batch.unpriced).toEqual([{ callId: unknown.callId, model: 'brand-new' }]);
  });

  it.each<[string, unknown, string]>([
    ['not JSON', '{oops', 'not JSON'],
    ['negative tokens', { promptTokens: -1 }, 'promptTokens'],
    ['no call id', { callId: undefined }, 'callId'],
    ['an unknown status', { status: 'exploded' }, 'status'],
    ['more cached than prompt tokens', { promptTokens: 5, cachedPromptTokens: 6 }, 'cachedPromptTokens'],
    ['a startedAt that is not a timestamp', { startedAt: 'yesterday' }, 'startedAt'],
    ['a cost that is a float', { cost: { input: 0.1, output: '0', total: '0.1', currency: 'USD' } }, 'cost.input'],
    ['a cost too large for the ledger', { cost: { input: '1', output: '0', total: '1000000000000', currency: 'USD' } }, 'cost.total'],
    ['more tokens than the ledger can hold', { completionTokens: 3_000_000_000 }, 'completionTokens'],
    [
      'a lower-case override currency',
      { cost: null, priceOverride: { inputPerMillion: '1', outputPerMillion: '2', currency: 'usd' } },
      'currency',
    ],
  ])('rejects an entry with %s, naming the field, and still acknowledges it', (_what, change, field) => {
    const data = typeof change === 'string' ? change : { ...usageEvent(), ...(change as object) };
    const good = usageEvent();
    const batch = buildUsageBatch([entry('1', data), entry('2', good)], DEFAULT_PRICE_CATALOG);
    expect(batch.rows.map((r) => r.callId)).toEqual([good.callId]);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0].id).toBe('1');
    expect(batch.rejected[0].reason).toContain(field);
    expect(batch.ids).toEqual(['1', '2']);
  });
});
