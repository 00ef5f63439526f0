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
    get billingConfigSchema () {
        return billingConfigSchema;
    },
    get loadBillingConfig () {
        return loadBillingConfig;
    }
});
const _zod = require("zod");
const _platform = require("../../../libs/platform/src");
const billingConfigSchema = _zod.z.object({
    PORT: _platform.env.port(8083),
    ..._platform.serviceEnv,
    ..._platform.databaseEnv,
    USAGE_CONCURRENCY: _platform.env.positiveInt(16)
}).superRefine(_platform.checkHttpEnv);
const loadBillingConfig = (e)=>(0, _platform.parseConfig)(billingConfigSchema, e);

//# sourceMappingURL=billing.config.js.map