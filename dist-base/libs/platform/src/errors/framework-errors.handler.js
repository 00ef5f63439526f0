// Errors Fastify's router raises before any route (and so before Nest's filters) runs: a bad
// percent-encoding in the URL, a path segment longer than `maxParamLength`. Answered in the
// route's own error shape, like everything else.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "handleFrameworkError", {
    enumerable: true,
    get: function() {
        return handleFrameworkError;
    }
});
const _apierror = require("./api-error");
const _errorbodies = require("./error-bodies");
const _errorstyle = require("./error-style");
function handleFrameworkError(err, req, reply) {
    const api = (0, _apierror.toApiError)(err);
    const path = req.url.split('?')[0].slice(0, 200);
    const openai = (0, _errorstyle.errorStyleFor)(path) === 'openai';
    reply.status(api.status).header('content-type', openai ? _errorbodies.OPENAI_CONTENT_TYPE : _errorbodies.PROBLEM_CONTENT_TYPE).send(JSON.stringify(openai ? (0, _errorbodies.openAiBody)(api) : (0, _errorbodies.problemBody)(api, path)));
}

//# sourceMappingURL=framework-errors.handler.js.map