import { InMemoryPriceFeed, configureRootLogger } from '@shoal/platform';
import { PriceCatalogCache } from './price-catalog.cache';

const call = {
  model: 'mock-chat',
  upstreamModel: 'mock-chat',
  startedAt: new Date('2026-03-01T12:00:00Z'),
  usage: { promptTokens: 1_000_000, completionTokens: 0 },
};

describe('PriceCatalogCache', () => {
  beforeAll(() => configureRootLogger({ service: 'test', level: 'silent' }));

  it('prices with the built-in catalog until billing publishes one, then with the published one at once', async () => {
    const feed = new InMemoryPriceFeed();
    const cache = new PriceCatalogCache(feed);
    await cache.onModuleInit();
    expect(cache.cost(call).total).toBe('0.27');
    await feed.publish([{ model: 'mock-chat', inputPerMillion: '2', outputPerMillion: '3', effectiveFrom: '2026-01-01T00:00:00Z' }]);
    await new Promise((r) => setImmediate(r));
    expect(cache.cost(call).total).toBe('2');
    cache.onModuleDestroy();
  });

  it('refuses a published catalog with a bad row whole, and keeps pricing with the one it had', async () => {
    const feed = new InMemoryPriceFeed();
    await feed.publish([{ model: 'mock-chat', inputPerMillion: '2', outputPerMillion: '3', effectiveFrom: '2026-01-01T00:00:00Z' }]);
    const cache = new PriceCatalogCache(feed);
    await cache.onModuleInit();
    await feed.publish([
      { model: 'mock-chat', inputPerMillion: '5', outputPerMillion: '3', effectiveFrom: '2026-02-01T00:00:00Z' },
      { model: 'broken', inputPerMillion: 0.1, outputPerMillion: '1', effectiveFrom: '2026-01-01T00:00:00Z' },
    ]);
    await new Promise((r) => setImmediate(r));
    expect(cache.cost(call).total).toBe('2');
    cache.onModuleDestroy();
  });
});
