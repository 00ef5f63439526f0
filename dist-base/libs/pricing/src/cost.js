// The cost of one LLM call, exact to the last digit: no rounding happens here, so a ledger
// that sums many calls equals the sum of what each call cost.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "costOf", {
    enumerable: true,
    get: function() {
        return costOf;
    }
});
const _money = require("./money");
const _price = require("./price");
const _pricingerror = require("./pricing.error");
const MILLION = new _money.Money(1_000_000);
function costOf(usage, price) {
    const prompt = tokens(usage.promptTokens, 'promptTokens');
    const completion = tokens(usage.completionTokens, 'completionTokens');
    const cached = tokens(usage.cachedPromptTokens ?? 0, 'cachedPromptTokens');
    const reasoning = tokens(usage.reasoningTokens ?? 0, 'reasoningTokens');
    if (cached > prompt) {
        throw new _pricingerror.PricingError('CACHED_EXCEEDS_PROMPT', `cachedPromptTokens (${cached}) is part of promptTokens and cannot exceed it (${prompt})`, 'cachedPromptTokens');
    }
    if (reasoning > completion) {
        throw new _pricingerror.PricingError('REASONING_EXCEEDS_COMPLETION', `reasoningTokens (${reasoning}) is part of completionTokens and cannot exceed it (${completion})`, 'reasoningTokens');
    }
    // Re-validated here because a Price may be built by hand rather than read through the catalog.
    const inputRate = (0, _price.rate)(price.inputPerMillion, 'price.inputPerMillion');
    const outputRate = (0, _price.rate)(price.outputPerMillion, 'price.outputPerMillion');
    const cachedRate = price.cachedInputPerMillion === undefined ? inputRate : (0, _price.rate)(price.cachedInputPerMillion, 'price.cachedInputPerMillion');
    const reasoningRate = price.reasoningPerMillion === undefined ? outputRate : (0, _price.rate)(price.reasoningPerMillion, 'price.reasoningPerMillion');
    const input = perMillion(prompt - cached, inputRate);
    const cachedInput = perMillion(cached, cachedRate);
    const output = perMillion(completion - reasoning, outputRate).plus(perMillion(reasoning, reasoningRate));
    return {
        input,
        cachedInput,
        output,
        total: input.plus(cachedInput).plus(output)
    };
}
function perMillion(count, ratePerMillion) {
    return new _money.Money(count).times(ratePerMillion).dividedBy(MILLION);
}
function tokens(value, field) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw new _pricingerror.PricingError('INVALID_TOKENS', `${field} must be a non-negative whole number, got ${String(value)}`, field);
    }
    return value;
}

//# sourceMappingURL=cost.js.map