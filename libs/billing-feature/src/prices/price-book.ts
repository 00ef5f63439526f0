import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_PRICES, type Price, type PriceCatalog } from '@shoal/pricing';
import { createLogger } from '@shoal/platform';
import { PricesRepository } from './prices.repository';

const REFRESH_MS = 60_000;

/** Prices in memory, refreshed from Postgres every minute, so pricing an event costs no query. */
@Injectable()
export class PriceBook {
  private readonly log = createLogger('PriceBook');
  private catalog: PriceCatalog | undefined;
  private loadedAt = 0;
  private loading: Promise<PriceCatalog> | undefined;

  constructor(@Inject(PricesRepository) private readonly prices: PricesRepository) {}

  async init(): Promise<void> {
    const added = await this.prices.seed(DEFAULT_PRICES);
    if (added) this.log.info({ added }, 'seeded built-in prices');
    await this.refresh();
  }

  async priceAt(model: string, at: Date): Promise<Price | undefined> {
    const catalog = !this.catalog || Date.now() - this.loadedAt > REFRESH_MS ? await this.refresh() : this.catalog;
    return catalog.priceAt(model, at);
  }

  private async refresh(): Promise<PriceCatalog> {
    this.loading ??= this.prices
      .catalog()
      .then((c) => {
        this.catalog = c;
        this.loadedAt = Date.now();
        return c;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
