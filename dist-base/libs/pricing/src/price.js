// What a model costs: the `Price` used in arithmetic, and the `PriceRow` it is written as in
// catalogs, config and the database (rates as decimal strings).
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
function _export(target, all) {
    for(var name in all)Object.defineProperty(target, name, {
        enumerable: true,
        get: Object.getOwnPropertyDescriptor(all, name).get
    });
}
_export(exports, {
    get priceFromRow () {
        return priceFromRow;
    },
    get rate () {
        return rate;
    }
});
const _money = require("./money");
const _pricingerror = require("./pricing.error");
const CURRENCY = /^[A-Z]{3}$/;
// An ISO timestamp without an offset would be read in the machine's local zone.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
function priceFromRow(row, where = '') {
    if (typeof row.model !== 'string' || row.model.trim() === '') {
        throw new _pricingerror.PricingError('INVALID_MODEL', `${where}model must be a non-empty string`, `${where}model`);
    }
    const currency = row.currency ?? 'USD';
    if (!CURRENCY.test(currency)) {
        throw new _pricingerror.PricingError('INVALID_CURRENCY', `${where}currency must be an ISO 4217 code like "USD", got ${JSON.stringify(currency)}`, `${where}currency`);
    }
    const price = {
        model: row.model,
        currency,
        inputPerMillion: rate(row.inputPerMillion, `${where}inputPerMillion`),
        outputPerMillion: rate(row.outputPerMillion, `${where}outputPerMillion`),
        effectiveFrom: instant(row.effectiveFrom, `${where}effectiveFrom`)
    };
    if (row.cachedInputPerMillion !== undefined) price.cachedInputPerMillion = rate(row.cachedInputPerMillion, `${where}cachedInputPerMillion`);
    if (row.reasoningPerMillion !== undefined) price.reasoningPerMillion = rate(row.reasoningPerMillion, `${where}reasoningPerMillion`);
    if (row.windows !== undefined) price.windows = row.windows.map((w, i)=>windowFromRow(w, `${where}windows[${i}].`));
    return price;
}
function rate(value, field) {
    const amount = (0, _money.toMoney)(value, field);
    if (amount.isNegative() && !amount.isZero()) {
        throw new _pricingerror.PricingError('INVALID_AMOUNT', `${field} must not be negative, got ${amount.toFixed()}`, field);
    }
    return amount;
}
function instant(value, field) {
    if (typeof value === 'string' && !ISO_WITH_OFFSET.test(value)) {
        throw new _pricingerror.PricingError('INVALID_DATE', `${field} must be an ISO 8601 timestamp with an offset, like "2025-01-01T00:00:00Z", got ${JSON.stringify(value)}`, field);
    }
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
        throw new _pricingerror.PricingError('INVALID_DATE', `${field} is not a valid date`, field);
    }
    return date;
}
function windowFromRow(row, where) {
    const minute = (v, field)=>{
        if (!Number.isInteger(v) || v < 0 || v > 1440) {
            throw new _pricingerror.PricingError('INVALID_DATE', `${where}${field} must be a whole number of minutes from 0 to 1440`, `${where}${field}`);
        }
        return v;
    };
    const window = {
        startMinuteUtc: minute(row.startMinuteUtc, 'startMinuteUtc'),
        endMinuteUtc: minute(row.endMinuteUtc, 'endMinuteUtc')
    };
    if (row.daysUtc !== undefined) {
        if (!row.daysUtc.every((d)=>Number.isInteger(d) && d >= 0 && d <= 6)) {
            throw new _pricingerror.PricingError('INVALID_DATE', `${where}daysUtc must list days 0 (Sunday) to 6`, `${where}daysUtc`);
        }
        window.daysUtc = [
            ...row.daysUtc
        ];
    }
    for (const key of [
        'inputPerMillion',
        'cachedInputPerMillion',
        'outputPerMillion',
        'reasoningPerMillion'
    ]){
        const value = row[key];
        if (value !== undefined) window[key] = rate(value, `${where}${key}`);
    }
    return window;
}

//# sourceMappingURL=price.js.map