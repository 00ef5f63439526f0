import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DEFAULT_PRICE_CATALOG, PriceCatalog, callCost, type CallCost, type CallToPrice, type PriceRow } from '@shoal/pricing';
import { PRICE_FEED, createLogger, type PriceFeed } from '@shoal/platform';

const RELOAD_MS = 5 * 60_000;

/**
 * The price catalog in memory, as billing publishes it from the prices table: loaded at boot,
 * reloaded when billing announces a change (and every few minutes, in case a message was missed),
 * so pricing a call costs no I/O. Bounded by the feed (MAX_PRICE_ROWS). Until billing has
 * published one, the built-in catalog applies: the same rows billing seeds the table with.
 */
@Injectable()
export class PriceCatalogCache implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('PriceCatalogCache');
  private catalog: PriceCatalog = DEFAULT_PRICE_CATALOG;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(@Inject(PRICE_FEED) private readonly feed: PriceFeed) {}

  async onModuleInit(): Promise<void> {
    try {
      this.unsubscribe = await this.feed.onChange(() => void this.reload());
    } catch (err) {
      this.log.warn({ err }, 'cannot subscribe to price changes: reloading on a timer only');
    }
    await this.reload();
    this.timer = setInterval(() => void this.reload(), RELOAD_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /**
   * A deployment's price now, per million tokens (input + output rates), for the cost strategy to
   * compare deployments by; never used to bill. Undefined when the catalog has no price for it.
   */
  comparablePrice(model: string, upstreamModel: string): number | undefined {
    const now = new Date();
    const price = this.catalog.priceAt(upstreamModel, now) ?? this.catalog.priceAt(model, now);
    return price ? price.inputPerMillion.plus(price.outputPerMillion).toNumber() : undefined;
  }

  /** @throws PricingError for usage that cannot be priced */
  cost(call: CallToPrice): CallCost {
    return callCost(this.catalog, call);
  }

  async reload(): Promise<void> {
    try {
      const rows = await this.feed.load();
      if (!rows) return;
      // validated row by row: a catalog with a bad row is refused whole
      this.catalog = new PriceCatalog(rows as PriceRow[]);
    } catch (err) {
      // keep pricing with the catalog we have rather than with none
      this.log.error({ err }, 'could not load the published price catalog; keeping the previous one');
    }
  }
}
