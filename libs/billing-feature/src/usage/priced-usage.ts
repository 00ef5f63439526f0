import type { UsageEvent } from '@shoal/contracts';

export interface PricedUsage extends UsageEvent {
  inputCost: string;
  outputCost: string;
  totalCost: string;
  currency: string;
}
