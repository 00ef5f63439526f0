// The one error class of the pricing lib. Callers branch on `code`, never on the message.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "PricingError", {
    enumerable: true,
    get: function() {
        return PricingError;
    }
});
let PricingError = class PricingError extends Error {
    code;
    field;
    name = 'PricingError';
    constructor(code, message, /** The offending field, e.g. `cachedPromptTokens` or `rows[3].outputPerMillion`. */ field){
        super(message), this.code = code, this.field = field;
    }
};

//# sourceMappingURL=pricing.error.js.map