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
    get DEFAULT_PRICES () {
        return _defaultprices.DEFAULT_PRICES;
    },
    get DEFAULT_PRICE_CATALOG () {
        return _defaultprices.DEFAULT_PRICE_CATALOG;
    },
    get Money () {
        return _money.Money;
    },
    get PriceCatalog () {
        return _pricecatalog.PriceCatalog;
    },
    get PricingError () {
        return _pricingerror.PricingError;
    },
    get costOf () {
        return _cost.costOf;
    },
    get formatMoney () {
        return _money.formatMoney;
    },
    get priceFromRow () {
        return _price.priceFromRow;
    },
    get sumMoney () {
        return _money.sumMoney;
    },
    get toMoney () {
        return _money.toMoney;
    }
});
const _pricingerror = require("./pricing.error");
const _money = require("./money");
const _price = require("./price");
const _cost = require("./cost");
const _pricecatalog = require("./price-catalog");
const _defaultprices = require("./default-prices");

//# sourceMappingURL=index.js.map