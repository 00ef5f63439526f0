import { InMemoryPriceFeed, configureRootLogger } from '@shoal/platform';
import { DEFAULT_PRICES, PriceCatalog, type PriceRow } from '@shoal/pricing';
import { PriceBook } from './price-book';
import type { PricesRepository } from './prices.repository';

/** The prices table in memory: seed() keeps rows already there (perhaps edited), as the real one does. */
class FakePrices {
  rows: PriceRow[] = [];
  seeded: PriceRow[][] = [];
  catalogReads = 0;
  gate: Promise<void> | undefined;
  async seed(rows: ReadonlyArray<PriceRow>): Promise<number> {
    this.seeded.push([...rows]);
    const fresh = rows.filter(
      (r) => !this.rows.some((x) => x.model === r.model && new Date(x.effectiveFrom).getTime() === new Date(r.effectiveFrom).getTime()),
    );
    this.rows.push(...fresh);
    return fresh.length;
  }
  async catalog(): Promise<PriceCatalog> {
    this.catalogReads++;
    if (this.gate) await this.gate;
    return new PriceCatalog(this.rows);
  }
}

const AT = new Date('2026-06-01T00:00:00Z');

describe('PriceBook', () => {
  beforeAll(() => {
    configureRootLogger({ service: 'test', level: 'silent' });
  });
  afterEach(() => jest.useRealTimers());

  it('seeds the built-in prices on init and prices mock-chat from them', async () => {
    const repo = new FakePrices();
    const book = new PriceBook(repo as unknown as PricesRepository, new InMemoryPriceFeed());
    await book.init();
    expect(repo.seeded).toEqual([[...DEFAULT_PRICES]]);
    const price = await book.priceAt('mock-chat', AT);
    expect(price?.inputPerMillion.toFixed()).toBe('0.27');
    expect(price?.cachedInputPerMillion?.toFixed()).toBe('0.07');
    expect(price?.outputPerMillion.toFixed()).toBe('1.1');
    expect(price?.currency).toBe('USD');
  });

  it("keeps an operator's edited price rather than the built-in one", async () => {
    const repo = new FakePrices();
    const builtIn = DEFAULT_PRICES.find((p) => p.model === 'mock-chat')!;
    repo.rows.push({ ...builtIn, inputPerMillion: '9.99' });
    const book = new PriceBook(repo as unknown as PricesRepository, new InMemoryPriceFeed());
    await book.init();
    expect((await book.priceAt('mock-chat', AT))?.inputPerMillion.toFixed()).toBe('9.99');
  });

  it('knows nothing of a model without a price', async () => {
    const book = new PriceBook(new FakePrices() as unknown as PricesRepository, new InMemoryPriceFeed());
    await book.init();
    expect(await book.priceAt('no-such-model', AT)).toBeUndefined();
  });

  it('answers from memory, and reloads from the table once a minute has passed', async () => {
    jest.useFakeTimers({ now: new Date('2026-06-01T12:00:00Z') });
    const repo = new FakePrices();
    const book = new PriceBook(repo as unknown as PricesRepository, new InMemoryPriceFeed());
    await book.init();
    expect(repo.catalogReads).toBe(1);
    await book.priceAt('mock-chat', AT);
    await book.priceAt('mock-chat', AT);
    expect(repo.catalogReads).toBe(1);

    repo.rows.push({ model: 'new-model', inputPerMillion: '1', outputPerMillion: '2', effectiveFrom: '2026-01-01T00:00:00Z' });
    jest.setSystemTime(new Date('2026-06-01T12:00:59Z'));
    expect(await book.priceAt('new-model', AT)).toBeUndefined();
    jest.setSystemTime(new Date('2026-06-01T12:01:01Z'));
    expect((await book.priceAt('new-model', AT))?.outputPerMillion.toFixed()).toBe('2');
    expect(repo.catalogReads).toBe(2);
  });

  it('publishes the catalog it loads to the price feed, and again only when it changed', async () => {
    jest.useFakeTimers({ now: new Date('2026-06-01T12:00:00Z') });
    const repo = new FakePrices();
    const feed = new InMemoryPriceFeed();
    let changes = 0;
    await feed.onChange(() => changes++);
    const book = new PriceBook(repo as unknown as PricesRepository, feed);
    await book.init();
    expect(changes).toBe(1);
    expect(((await feed.load()) as PriceRow[] | undefined)?.find((r) => r.model === 'mock-chat')).toMatchObject({
      inputPerMillion: '0.27',
      outputPerMillion: '1.1',
    });
    jest.setSystemTime(new Date('2026-06-01T12:01:01Z'));
    await book.catalog();
    expect(changes).toBe(1); // reloaded, unchanged: not published again
    repo.rows.push({ model: 'new-model', inputPerMillion: '1', outputPerMillion: '2', effectiveFrom: '2026-01-01T00:00:00Z' });
    jest.setSystemTime(new Date('2026-06-01T12:02:02Z'));
    await book.catalog();
    expect(changes).toBe(2);
    expect(((await feed.load()) as PriceRow[] | undefined)?.some((r) => r.model === 'new-model')).toBe(true);
  });

  it('loads once for many callers asking at the same time', async () => {
    const repo = new FakePrices();
    let open!: () => void;
    repo.gate = new Promise((r) => {
      open = r;
    });
    const book = new PriceBook(repo as unknown as PricesRepository, new InMemoryPriceFeed());
    await repo.seed(DEFAULT_PRICES);
    const answers = Promise.all(Array.from({ length: 20 }, () => book.priceAt('mock-chat', AT)));
    open();
    const prices = await answers;
    expect(repo.catalogReads).toBe(1);
    expect(prices.every((p) => p?.model === 'mock-chat')).toBe(true);
  });
});
