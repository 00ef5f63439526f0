// One filter per API style. Each maps an ApiError (or anything thrown) to that style's body.
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
    get OpenAiErrorFilter () {
        return OpenAiErrorFilter;
    },
    get ProblemJsonFilter () {
        return ProblemJsonFilter;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _common = require("@nestjs/common");
const _apierror = require("./api-error");
const _errorbodies = require("./error-bodies");
const _routemiss = require("./route-miss");
const _logger = require("../logging/logger");
function normalize(err, req) {
    // Nest's answer for a request no route matched (a controller throws ApiError, never this)
    if (err instanceof _common.NotFoundException && req.routeOptions?.url === undefined) return (0, _routemiss.routeMiss)(req);
    if (err instanceof _common.HttpException) {
        // Fastify's own errors arrive wrapped, the original as the cause
        if (err.cause) return (0, _apierror.toApiError)(err.cause);
        const status = err.getStatus();
        if (status === 404) return new _apierror.ApiError('not_found', 'No route matches this method and path');
        return new _apierror.ApiError(status >= 500 ? 'internal_error' : 'invalid_request', err.message, {
            status
        });
    }
    return (0, _apierror.toApiError)(err);
}
function logIfServerError(err, api, req) {
    // the logger is looked up per call: filters exist before the service configures logging
    if (api.status >= 500) (0, _logger.createLogger)('errors').error({
        err,
        method: req.method,
        url: req.url.split('?')[0]
    }, 'request failed');
}
function send(reply, api, contentType, body) {
    if (api.opts.retryAfterSeconds !== undefined) reply.header('retry-after', String(api.opts.retryAfterSeconds));
    if (api.opts.allow) reply.header('allow', api.opts.allow.join(', '));
    reply.status(api.status).header('content-type', contentType).send(JSON.stringify(body));
}
let ProblemJsonFilter = class ProblemJsonFilter {
    catch(err, host) {
        const http = host.switchToHttp();
        const req = http.getRequest();
        const api = normalize(err, req);
        logIfServerError(err, api, req);
        send(http.getResponse(), api, _errorbodies.PROBLEM_CONTENT_TYPE, (0, _errorbodies.problemBody)(api, req.url.split('?')[0]));
    }
};
ProblemJsonFilter = _ts_decorate._([
    (0, _common.Catch)()
], ProblemJsonFilter);
let OpenAiErrorFilter = class OpenAiErrorFilter {
    catch(err, host) {
        const http = host.switchToHttp();
        const req = http.getRequest();
        const api = normalize(err, req);
        logIfServerError(err, api, req);
        send(http.getResponse(), api, _errorbodies.OPENAI_CONTENT_TYPE, (0, _errorbodies.openAiBody)(api));
    }
};
OpenAiErrorFilter = _ts_decorate._([
    (0, _common.Catch)()
], OpenAiErrorFilter);

//# sourceMappingURL=error-filters.js.map