// The two error bodies Shoal answers with, built in one place for the exception filters and for
// the raw responses written before Fastify sees a request (see client-error.handler).
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
    get OPENAI_CONTENT_TYPE () {
        return OPENAI_CONTENT_TYPE;
    },
    get PROBLEM_CONTENT_TYPE () {
        return PROBLEM_CONTENT_TYPE;
    },
    get openAiBody () {
        return openAiBody;
    },
    get problemBody () {
        return problemBody;
    }
});
const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const OPENAI_CONTENT_TYPE = 'application/json';
function problemBody(api, instance) {
    return {
        type: `https://shoal.dev/problems/${api.code.replace(/_/g, '-')}`,
        title: api.code.replace(/_/g, ' '),
        status: api.status,
        detail: api.message,
        instance,
        ...api.opts.issues ? {
            errors: api.opts.issues
        } : {}
    };
}
const OPENAI_TYPE = {
    rate_limited: 'rate_limit_error',
    budget_exceeded: 'insufficient_quota'
};
function openAiBody(api) {
    const first = api.opts.issues?.[0];
    return {
        error: {
            message: api.message,
            type: OPENAI_TYPE[api.code] ?? (api.status >= 500 ? 'api_error' : 'invalid_request_error'),
            param: api.opts.param ?? first?.path ?? null,
            code: api.code === 'unauthorized' ? 'invalid_api_key' : api.code
        }
    };
}

//# sourceMappingURL=error-bodies.js.map