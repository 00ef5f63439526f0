// The prices Shoal ships with. Deployments can override a model's price; billing stores the
// catalog it used, so changing a row here never reprices past calls.
import { PriceCatalog } from './price-catalog';
import { PriceRow, PriceWindowRow } from './price';

const FROM = '2025-01-01T00:00:00Z';
const WEEKDAYS = [1, 2, 3, 4, 5];

// DeepSeek bills half price off-peak. Peak is Mon-Fri 01:00-04:00 and 06:00-10:00 UTC
// (09:00-12:00 and 14:00-18:00 Beijing); every other hour, weekends included, is off-peak.
// Windows are not applied yet, so the base rates below are the PEAK rates: until they are,
// costs are an upper bound and a budget stops early rather than late.
function deepseekOffPeak(input: string, cachedInput: string, output: string): PriceWindowRow[] {
  const rates = { inputPerMillion: input, cachedInputPerMillion: cachedInput, outputPerMillion: output };
  return [
    { daysUtc: WEEKDAYS, startMinuteUtc: 0, endMinuteUtc: 60, ...rates },
    { daysUtc: WEEKDAYS, startMinuteUtc: 240, endMinuteUtc: 360, ...rates },
    { daysUtc: WEEKDAYS, startMinuteUtc: 600, endMinuteUtc: 1440, ...rates },
    { daysUtc: [0, 6], startMinuteUtc: 0, endMinuteUtc: 1440, ...rates },
  ];
}

export const DEFAULT_PRICES: ReadonlyArray<Readonly<PriceRow>> = Object.freeze(
  (
    [
      // The mock provider's model (libs/testing). These prices are MADE UP for tests and the demo;
      // they resemble a cheap chat model so demo bills look plausible. Nobody is ever charged them.
      {
        model: 'mock-chat',
        currency: 'USD',
        inputPerMillion: '0.27',
        cachedInputPerMillion: '0.07',
        outputPerMillion: '1.10',
        effectiveFrom: FROM,
      },

      // The mock provider's embedding model: MADE UP as mock-chat's are; embeddings bill input only.
      { model: 'mock-embed', currency: 'USD', inputPerMillion: '0.02', outputPerMillion: '0', effectiveFrom: FROM },

      // DeepSeek, USD, from the Models & Pricing page of api-docs.deepseek.com (deepseek-flash =
      // DeepSeek-V4.1-Flash, deepseek-v4-pro = DeepSeek-V4-Pro-0813). DeepSeek reprices often:
      // verify against api-docs.deepseek.com before relying on them. Thinking tokens are billed
      // as output, hence no reasoning rate.
      {
        model: 'deepseek-flash',
        currency: 'USD',
        inputPerMillion: '0.30',
        cachedInputPerMillion: '0.006',
        outputPerMillion: '1.20',
        effectiveFrom: FROM,
        windows: deepseekOffPeak('0.15', '0.003', '0.60'),
      },
      {
        model: 'deepseek-v4-pro',
        currency: 'USD',
        inputPerMillion: '1.32',
        cachedInputPerMillion: '0.044',
        outputPerMillion: '3.96',
        effectiveFrom: FROM,
        windows: deepseekOffPeak('0.66', '0.022', '1.98'),
      },

      // OpenAI standard (non-batch) tier. Reasoning tokens do not occur on these models.
      {
        model: 'gpt-4o-mini',
        currency: 'USD',
        inputPerMillion: '0.15',
        cachedInputPerMillion: '0.075',
        outputPerMillion: '0.60',
        effectiveFrom: FROM,
      },
      // OpenAI embeddings (standard tier): input only.
      { model: 'text-embedding-3-small', currency: 'USD', inputPerMillion: '0.02', outputPerMillion: '0', effectiveFrom: FROM },
      { model: 'text-embedding-3-large', currency: 'USD', inputPerMillion: '0.13', outputPerMillion: '0', effectiveFrom: FROM },
      {
        model: 'gpt-4o',
        currency: 'USD',
        inputPerMillion: '2.50',
        cachedInputPerMillion: '1.25',
        outputPerMillion: '10.00',
        effectiveFrom: FROM,
      },
    ] satisfies PriceRow[]
  ).map((row) => Object.freeze(row)),
);

/** `DEFAULT_PRICES` as a catalog. */
export const DEFAULT_PRICE_CATALOG = new PriceCatalog(DEFAULT_PRICES);
