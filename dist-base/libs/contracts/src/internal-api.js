// Headers and routes between Shoal's own services.
/**
 * Headers between Shoal's services. Who a call is for (tenant, key, run, call) travels only inside
 * the signed `context` header, never as loose headers a receiver could be tricked into believing.
 */ "use strict";
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
    get INTERNAL_HEADERS () {
        return INTERNAL_HEADERS;
    },
    get ROUTE_PREFIX () {
        return ROUTE_PREFIX;
    }
});
const INTERNAL_HEADERS = {
    token: 'x-shoal-internal-token',
    /** signed, short-lived call context: built and verified by @shoal/platform's internal-context */ context: 'x-shoal-context',
    /** model-pool's answer names the call id it used (a response header) */ callId: 'x-shoal-call-id',
    traceparent: 'traceparent'
};
const ROUTE_PREFIX = {
    modelPool: '/pool',
    billing: '/billing',
    engine: '/engine'
};

//# sourceMappingURL=internal-api.js.map