// Error bodies in the OpenAI shape, so OpenAI clients (and the SDK's error classes) react as
// they would to the real API.
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
    get injectedError () {
        return injectedError;
    },
    get openAiError () {
        return openAiError;
    }
});
const BY_STATUS = {
    400: {
        type: 'invalid_request_error',
        code: null,
        message: 'Bad request'
    },
    401: {
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        message: 'Incorrect API key provided'
    },
    403: {
        type: 'permission_error',
        code: 'permission_denied',
        message: 'Permission denied'
    },
    404: {
        type: 'invalid_request_error',
        code: 'not_found',
        message: 'Not found'
    },
    409: {
        type: 'invalid_request_error',
        code: 'conflict',
        message: 'Conflict'
    },
    422: {
        type: 'invalid_request_error',
        code: 'unprocessable_entity',
        message: 'Unprocessable entity'
    },
    // OpenAI's own rate-limit body: type names the exhausted limit ('requests' or 'tokens').
    429: {
        type: 'requests',
        code: 'rate_limit_exceeded',
        message: 'Rate limit reached for requests'
    },
    500: {
        type: 'server_error',
        code: null,
        message: 'The server had an error while processing your request'
    },
    502: {
        type: 'server_error',
        code: 'bad_gateway',
        message: 'Bad gateway'
    },
    503: {
        type: 'server_error',
        code: 'service_unavailable',
        message: 'The engine is currently overloaded, please try again later'
    },
    504: {
        type: 'server_error',
        code: 'timeout',
        message: 'Gateway timeout'
    }
};
function openAiError(message, type, param = null, code = null) {
    return {
        error: {
            message,
            type,
            param,
            code
        }
    };
}
function injectedError(status) {
    const known = BY_STATUS[status] ?? {
        type: status >= 500 ? 'server_error' : 'invalid_request_error',
        code: null,
        message: `HTTP ${status}`
    };
    return openAiError(`${known.message} (fault injected by shoal-mock-provider)`, known.type, null, known.code);
}

//# sourceMappingURL=openai-error.js.map