// A run's price as the sum of its nodes' costs, exact: amounts are plain decimal strings added as
// scaled integers, never floats. The runtime imports no money library (it stays dependency-free).

/** What one node's LLM call cost, as model-pool priced it. */
export interface NodeCost {
  /** a plain decimal string, e.g. '0.00000849' */
  amount: string;
  /** ISO 4217 */
  currency: string;
}

const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;

/**
 * The cost an LLM port's error carries (`err.cost`): a call that failed after the provider
 * produced tokens (a stream broken midway) is still billed, and its node records what it cost.
 */
export function costCarriedBy(err: unknown): NodeCost | null {
  const c = (err as { cost?: Partial<NodeCost> } | null)?.cost;
  return c && typeof c.amount === 'string' && PLAIN_DECIMAL.test(c.amount) && typeof c.currency === 'string'
    ? { amount: c.amount, currency: c.currency }
    : null;
}

/** The exact sum of two non-negative plain decimal strings. */
export function addAmounts(a: string, b: string): string {
  if (!PLAIN_DECIMAL.test(a) || !PLAIN_DECIMAL.test(b)) throw new Error(`not plain non-negative decimals: ${a}, ${b}`);
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  const scale = Math.max(af.length, bf.length);
  const sum = BigInt(ai + af.padEnd(scale, '0')) + BigInt(bi + bf.padEnd(scale, '0'));
  if (scale === 0) return sum.toString();
  const digits = sum.toString().padStart(scale + 1, '0');
  const frac = digits.slice(-scale).replace(/0+$/, '');
  const int = digits.slice(0, -scale);
  return frac ? `${int}.${frac}` : int;
}

/**
 * A run's total so far. A run's calls share a currency; a cost in another currency (a deployment
 * priced in EUR beside USD ones) is not added to it but counted in `otherCurrencies`, so the
 * caller can say so rather than report a sum of two currencies.
 */
export class RunCost {
  amount = '0';
  currency: string | null = null;
  otherCurrencies = 0;

  add(cost: NodeCost | null | undefined): void {
    if (!cost || !PLAIN_DECIMAL.test(cost.amount)) return;
    this.currency ??= cost.currency;
    if (cost.currency !== this.currency) {
      this.otherCurrencies++;
      return;
    }
    this.amount = addAmounts(this.amount, cost.amount);
  }

  /** Adds another total (a container round's) to this one, its stray currencies included. */
  addTotal(other: RunCost): void {
    if (other.currency !== null) this.add({ amount: other.amount, currency: other.currency });
    this.otherCurrencies += other.otherCurrencies;
  }
}
