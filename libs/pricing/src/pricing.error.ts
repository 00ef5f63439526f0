// The one error class of the pricing lib. Callers branch on `code`, never on the message.

export type PricingErrorCode =
  | 'INVALID_TOKENS'
  | 'CACHED_EXCEEDS_PROMPT'
  | 'REASONING_EXCEEDS_COMPLETION'
  | 'INVALID_AMOUNT'
  | 'INVALID_CURRENCY'
  | 'INVALID_DATE'
  | 'INVALID_MODEL'
  | 'DUPLICATE_PRICE';

export class PricingError extends Error {
  override readonly name = 'PricingError';

  constructor(
    readonly code: PricingErrorCode,
    message: string,
    /** The offending field, e.g. `cachedPromptTokens` or `rows[3].outputPerMillion`. */
    readonly field?: string,
  ) {
    super(message);
  }
}
