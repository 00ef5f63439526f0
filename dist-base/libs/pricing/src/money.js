// Exact decimal money: a decimal.js constructor configured for amounts, and the small
// arithmetic helpers budgets need.
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
    get Money () {
        return Money;
    },
    get formatMoney () {
        return formatMoney;
    },
    get sumMoney () {
        return sumMoney;
    },
    get toMoney () {
        return toMoney;
    }
});
const _interop_require_default = require("@swc/helpers/_/_interop_require_default");
const _decimal = /*#__PURE__*/ _interop_require_default._(require("decimal.js"));
const _pricingerror = require("./pricing.error");
const Money = _decimal.default.clone({
    precision: 60,
    rounding: _decimal.default.ROUND_HALF_EVEN,
    toExpNeg: -9e15,
    toExpPos: 9e15
});
// A plain decimal: no sign games, no exponent, no whitespace; what Postgres `numeric` prints.
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;
function toMoney(value, field = 'amount') {
    if (typeof value === 'string') {
        if (!PLAIN_DECIMAL.test(value)) {
            throw new _pricingerror.PricingError('INVALID_AMOUNT', `${field} must be a plain decimal string like "0.27", got ${JSON.stringify(value)}`, field);
        }
        return new Money(value);
    }
    if (_decimal.default.isDecimal(value) && value.isFinite()) {
        return new Money(value);
    }
    throw new _pricingerror.PricingError('INVALID_AMOUNT', `${field} must be a finite Decimal or a decimal string, got ${describe(value)}`, field);
}
function sumMoney(values) {
    return values.reduce((sum, value, i)=>sum.plus(toMoney(value, `values[${i}]`)), new Money(0));
}
function formatMoney(d) {
    const amount = toMoney(d);
    // -0 would print as '0' anyway, but a negative zero amount is never meaningful, so normalise.
    return amount.isZero() ? '0' : amount.toFixed();
}
function describe(value) {
    if (typeof value === 'number') return `the number ${value} (pass a string; floats are not exact)`;
    if (_decimal.default.isDecimal(value)) return value.toString();
    return typeof value;
}

//# sourceMappingURL=money.js.map