// @shoal/billing-feature — billing's Nest module: prices, the usage ledger, usage queries.
export { BillingModule, type BillingOptions } from './billing.module';
