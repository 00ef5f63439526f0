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
    get jsonPath () {
        return _jsonpath.jsonPath;
    },
    get parseBody () {
        return parseBody;
    }
});
const _apierror = require("../errors/api-error");
const _jsonpath = require("./json-path");
const _jsonsafety = require("./json-safety");
function valueAt(input, path) {
    let v = input;
    for (const p of path){
        if (v === null || typeof v !== 'object') return undefined;
        v = v[p];
    }
    return v;
}
function parseBody(schema, body, root = '') {
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw _apierror.ApiError.validation('The request body must be a JSON object', [
            {
                path: root || 'body',
                message: 'must be a JSON object',
                code: 'invalid_type'
            }
        ]);
    }
    (0, _jsonsafety.assertJsonSafe)(body, root);
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const issues = result.error.issues.map((i)=>({
            path: (0, _jsonpath.jsonPath)(root, i.path) || 'body',
            message: i.code === 'invalid_type' && valueAt(body, i.path) === undefined ? 'is required' : i.message,
            code: i.code
        }));
    throw _apierror.ApiError.validation(`Invalid request: ${issues.map((i)=>`${i.path} ${i.message}`).join('; ')}`, issues);
}

//# sourceMappingURL=parse-body.js.map