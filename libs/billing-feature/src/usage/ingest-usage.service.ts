import { Inject, Injectable } from '@nestjs/common';
import { usageEventSchema, type UsageEvent } from '@shoal/contracts';
import { PricingError, costOf, formatMoney, priceFromRow, type Price } from '@shoal/pricing';
import { createLogger } from '@shoal/platform';
import { PriceBook } from '../prices/price-book';
import { UsageLedgerRepository } from './usage-ledger.repository';

export class InvalidUsageEventError extends Error {
  readonly code = 'invalid_usage_event';
}

/** Prices a usage event and writes it to the ledger exactly once. */
@Injectable()
export class IngestUsageService {
  private readonly log = createLogger('IngestUsageService');

  constructor(
    @Inject(PriceBook) private readonly prices: PriceBook,
    @Inject(UsageLedgerRepository) private readonly ledger: UsageLedgerRepository,
  ) {}

  async ingest(payload: unknown): Promise<'recorded' | 'duplicate'> {
    const parsed = usageEventSchema.safeParse(payload);
    if (!parsed.success) {
      throw new InvalidUsageEventError(
        `usage event rejected: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const event = parsed.data;
    let price: Price | undefined;
    let cost: ReturnType<typeof costOf> | undefined;
    try {
      price = await this.priceFor(event);
      cost = price ? costOf(event, price) : undefined;
    } catch (err) {
      // retrying cannot make an unpriceable event priceable
      if (err instanceof PricingError) throw new InvalidUsageEventError(`usage event ${event.callId} cannot be priced: ${err.message}`);
      throw err;
    }
    if (!price)
      this.log.warn(
        { model: event.model, upstreamModel: event.upstreamModel, callId: event.callId },
        'no price for model: recorded at zero cost',
      );
    const result = await this.ledger.record({
      ...event,
      inputCost: cost ? formatMoney(cost.input.plus(cost.cachedInput)) : '0',
      outputCost: cost ? formatMoney(cost.output) : '0',
      totalCost: cost ? formatMoney(cost.total) : '0',
      currency: price?.currency ?? 'USD',
    });
    if (result === 'duplicate') this.log.debug({ callId: event.callId }, 'duplicate usage event ignored');
    return result;
  }

  private async priceFor(event: UsageEvent): Promise<Price | undefined> {
    if (event.priceOverride) return priceFromRow({ model: event.model, effectiveFrom: new Date(0), ...event.priceOverride });
    const at = new Date(event.startedAt);
    return (await this.prices.priceAt(event.upstreamModel, at)) ?? (await this.prices.priceAt(event.model, at));
  }
}
