// A request that no route matched: 405 with `Allow` when the path exists under other methods, else
// 404. (A path segment longer than the router takes is Fastify's FST_ERR_MAX_PARAM_LENGTH, a 414.)
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "routeMiss", {
    enumerable: true,
    get: function() {
        return routeMiss;
    }
});
const _apierror = require("./api-error");
function routeMiss(req) {
    const path = req.url.split('?')[0];
    const methods = req.server?.shoalRoutes?.methodsAt(path) ?? [];
    if (methods.length === 0 || methods.includes(req.method)) return new _apierror.ApiError('not_found', `No route matches ${req.method} ${truncate(path)}`);
    return new _apierror.ApiError('method_not_allowed', `${req.method} is not allowed on ${truncate(path)}; use ${methods.join(', ')}`, {
        allow: methods
    });
}
function truncate(s) {
    return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

//# sourceMappingURL=route-miss.js.map