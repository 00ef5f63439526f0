// Refusing a parsed JSON value that holds something Shoal cannot store or walk (see the scan), as a
// 400 that names the JSON path. Values that the body parser already checked are not walked again.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "assertJsonSafe", {
    enumerable: true,
    get: function() {
        return assertJsonSafe;
    }
});
const _apierror = require("../errors/api-error");
const _jsonsafetyscan = require("./json-safety.scan");
const _jsonpath = require("./json-path");
const checked = new WeakSet();
const MAX_PATH_CHARS = 300;
function assertJsonSafe(value, root = '') {
    if (value !== null && typeof value === 'object' && checked.has(value)) return;
    const found = (0, _jsonsafetyscan.findJsonHazard)(value);
    if (found) {
        // a hostile key can be a megabyte long: the answer names where, not all of it
        const full = (0, _jsonpath.jsonPath)(root, found.path) || root || 'body';
        const path = full.length > MAX_PATH_CHARS ? `${full.slice(0, MAX_PATH_CHARS)}…` : full;
        const message = (0, _jsonsafetyscan.jsonHazardMessage)(found.hazard);
        if (found.hazard === 'too_deep') {
            throw new _apierror.ApiError('json_too_deep', `The request is nested deeper than ${_jsonsafetyscan.MAX_JSON_DEPTH} levels (at ${path})`, {
                issues: [
                    {
                        path,
                        message,
                        code: found.hazard
                    }
                ]
            });
        }
        throw _apierror.ApiError.validation(`Invalid request: ${path} ${message}`, [
            {
                path,
                message,
                code: found.hazard
            }
        ]);
    }
    if (value !== null && typeof value === 'object') checked.add(value);
}

//# sourceMappingURL=json-safety.js.map