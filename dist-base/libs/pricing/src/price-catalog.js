// Prices by model over time: which rates applied to a call made at a given instant.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "PriceCatalog", {
    enumerable: true,
    get: function() {
        return PriceCatalog;
    }
});
const _price = require("./price");
const _pricingerror = require("./pricing.error");
let PriceCatalog = class PriceCatalog {
    // Per model, rows sorted by effectiveFrom ascending.
    byModel = new Map();
    constructor(rows){
        rows.forEach((row, i)=>{
            // Frozen because priceAt hands out the stored object: a caller's edit must not reprice others.
            const price = Object.freeze((0, _price.priceFromRow)(row, `rows[${i}].`));
            const history = this.byModel.get(price.model) ?? [];
            if (history.some((p)=>p.effectiveFrom.getTime() === price.effectiveFrom.getTime())) {
                // Two rows for the same instant would make the bill depend on row order.
                throw new _pricingerror.PricingError('DUPLICATE_PRICE', `rows[${i}]: ${price.model} already has a price effective from ${price.effectiveFrom.toISOString()}`, `rows[${i}].effectiveFrom`);
            }
            history.push(price);
            history.sort((a, b)=>a.effectiveFrom.getTime() - b.effectiveFrom.getTime());
            this.byModel.set(price.model, history);
        });
    }
    /**
   * The price in force for `model` at `at`: the row with the greatest effectiveFrom <= at.
   * Undefined when the model is unknown or `at` precedes its first row. Model names match exactly.
   * Time-of-day windows are not applied yet (see `PriceWindow`).
   */ priceAt(model, at) {
        if (Number.isNaN(at.getTime())) {
            throw new _pricingerror.PricingError('INVALID_DATE', 'at is not a valid date', 'at');
        }
        const history = this.byModel.get(model);
        if (!history) return undefined;
        let found;
        for (const price of history){
            if (price.effectiveFrom.getTime() > at.getTime()) break;
            found = price;
        }
        return found;
    }
    /** Model names with at least one row, sorted. */ models() {
        return [
            ...this.byModel.keys()
        ].sort();
    }
    /** Every row, by model then effectiveFrom (e.g. to seed the billing database). */ prices() {
        return this.models().flatMap((model)=>this.byModel.get(model) ?? []);
    }
};

//# sourceMappingURL=price-catalog.js.map