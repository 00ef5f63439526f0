// The outcome of classifying one failed provider call: what kind of failure, and what to do about it.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "FAILURE_KINDS", {
    enumerable: true,
    get: function() {
        return FAILURE_KINDS;
    }
});
const FAILURE_KINDS = [
    'rate_limited',
    'overloaded',
    'server_error',
    'timeout',
    'connection',
    'auth',
    'bad_request',
    'not_found',
    'context_length',
    'content_filter',
    'insufficient_balance',
    'unknown'
];

//# sourceMappingURL=provider-failure.js.map