// Each route says which request body types it takes (JSON unless `@AcceptsBody` says otherwise);
// a body of any other type, or of none, is a 415 before anything parses it.
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
    get AcceptsBody () {
        return AcceptsBody;
    },
    get checkBodyContentType () {
        return checkBodyContentType;
    },
    get mediaTypeOf () {
        return mediaTypeOf;
    }
});
const _platformfastify = require("@nestjs/platform-fastify");
const _apierror = require("../errors/api-error");
const _routetable = require("./route-table");
function AcceptsBody(...types) {
    return (0, _platformfastify.RouteConfig)({
        accepts: types.map((t)=>t.toLowerCase())
    });
}
function hasBody(req) {
    const length = req.headers['content-length'];
    return req.headers['transfer-encoding'] !== undefined || length !== undefined && length !== '0';
}
function mediaTypeOf(header) {
    const type = header?.split(';')[0].trim().toLowerCase();
    return type ? type : undefined;
}
async function checkBodyContentType(req) {
    // an unmatched route answers 404/405 without looking at its body
    if (req.routeOptions.url === undefined || !hasBody(req)) return;
    const accepts = req.routeOptions.config?.accepts ?? _routetable.DEFAULT_BODY_TYPES;
    const type = mediaTypeOf(req.headers['content-type']);
    if (type && accepts.includes(type)) return;
    const expected = accepts.join(' or ');
    const got = type ? `not ${type}` : 'and the request has none';
    throw new _apierror.ApiError('unsupported_media_type', `Content-Type must be ${expected}, ${got}`, {
        issues: [
            {
                path: 'headers.content-type',
                message: `must be ${expected}`,
                code: 'unsupported_media_type'
            }
        ]
    });
}

//# sourceMappingURL=body-content-type.hook.js.map