// The JSON body parser every Shoal service uses, instead of Fastify's: it refuses, as a 400 before
// any controller runs, bodies that are not JSON, nested too deep, or holding what cannot be stored.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "parseJsonBody", {
    enumerable: true,
    get: function() {
        return parseJsonBody;
    }
});
const _apierror = require("../errors/api-error");
const _jsonsafetyscan = require("./json-safety.scan");
const _jsonsafety = require("./json-safety");
function parseJsonBody(raw) {
    // a leading byte-order mark (Windows tools send one) is not part of the JSON, as Fastify also held
    const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() === '') {
        throw new _apierror.ApiError('invalid_json', 'The request body is empty; send a JSON value', {
            issues: [
                {
                    path: 'body',
                    message: 'is empty',
                    code: 'empty_body'
                }
            ]
        });
    }
    // counted on the text first: JSON.parse would spend seconds building what is about to be refused
    const at = (0, _jsonsafetyscan.exceedsJsonDepth)(text);
    if (at !== undefined) {
        const message = `is nested deeper than ${_jsonsafetyscan.MAX_JSON_DEPTH} levels`;
        throw new _apierror.ApiError('json_too_deep', `The request body is nested deeper than ${_jsonsafetyscan.MAX_JSON_DEPTH} levels (at character ${at})`, {
            issues: [
                {
                    path: 'body',
                    message,
                    code: 'too_deep'
                }
            ]
        });
    }
    let value;
    try {
        value = JSON.parse(text);
    } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new _apierror.ApiError('invalid_json', `The request body is not valid JSON: ${reason}`, {
            issues: [
                {
                    path: 'body',
                    message: `is not valid JSON: ${reason}`,
                    code: 'invalid_json'
                }
            ]
        });
    }
    (0, _jsonsafety.assertJsonSafe)(value);
    return value;
}

//# sourceMappingURL=json-body.parser.js.map