export { PricingError, type PricingErrorCode } from './pricing.error';
export { Money, toMoney, sumMoney, formatMoney } from './money';
export { priceFromRow, type Price, type PriceRow, type PriceWindow, type PriceWindowRow } from './price';
export { costOf, type Cost, type TokenUsage } from './cost';
export { PriceCatalog } from './price-catalog';
export { DEFAULT_PRICES, DEFAULT_PRICE_CATALOG } from './default-prices';
export { callCost, LEDGER_SCALE, type CallCost, type CallToPrice } from './call-cost';
