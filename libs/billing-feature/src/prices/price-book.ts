import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_PRICES, type Price, type PriceCatalog } from '@shoal/pricing';
import { PRICE_FEED, createLogger, type PriceFeed } from '@shoal/platform';
import { PricesRepository } from './prices.repository';

const REFRESH_MS = 60_000;

/**
 * Prices in memory, refreshed from Postgres every minute, so pricing an event costs no query.
 * Each load that differs from the last one published goes to the price feed, from which
 * model-pool prices calls where they are made.
 */
@Injectable()
export class PriceBook {
  private readonly log = createLogger('PriceBook');
  private current: PriceCatalog | undefined;
  private loadedAt = 0;
  private loading: Promise<PriceCatalog> | undefined;
  private published: string | undefined;

  constructor(
    @Inject(PricesRepository) private readonly prices: PricesRepository,
    @Inject(PRICE_FEED) private readonly feed: PriceFeed,
  ) {}

  async init(): Promise<void> {
    const added = await this.prices.seed(DEFAULT_PRICES);
    if (added) this.log.info({ added }, 'seeded built-in prices');
    await this.refresh();
  }

  async priceAt(model: string, at: Date): Promise<Price | undefined> {
    return (await this.catalog()).priceAt(model, at);
  }

  /** The catalog, reloaded once it is a minute old. */
  async catalog(): Promise<PriceCatalog> {
    return !this.current || Date.now() - this.loadedAt > REFRESH_MS ? this.refresh() : this.current;
  }

  private async refresh(): Promise<PriceCatalog> {
    this.loading ??= this.prices
      .catalog()
      .then(async (c) => {
        this.current = c;
        this.loadedAt = Date.now();
        await this.publish(c);
        return c;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private async publish(c: PriceCatalog): Promise<void> {
    const rows = c.prices().map((p) => ({
      model: p.model,
      currency: p.currency,
      inputPerMillion: p.inputPerMillion.toFixed(),
      ...(p.cachedInputPerMillion ? { cachedInputPerMillion: p.cachedInputPerMillion.toFixed() } : {}),
      outputPerMillion: p.outputPerMillion.toFixed(),
      ...(p.reasoningPerMillion ? { reasoningPerMillion: p.reasoningPerMillion.toFixed() } : {}),
      effectiveFrom: p.effectiveFrom.toISOString(),
    }));
    const json = JSON.stringify(rows);
    if (json === this.published) return;
    try {
      await this.feed.publish(rows);
      this.published = json;
      this.log.info({ prices: rows.length }, 'published the price catalog');
    } catch (err) {
      // model-pool keeps the catalog it has; the next refresh tries again
      this.log.error({ err }, 'could not publish the price catalog');
    }
  }
}
