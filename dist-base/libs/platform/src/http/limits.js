// Request size limits every service applies (Node's own header limit, 16 KB, stays as it is).
/** Longer URLs are a 414 (nginx's default buffer for a request line is 8 KB too). */ "use strict";
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
    get BODY_LIMIT_BYTES () {
        return BODY_LIMIT_BYTES;
    },
    get MAX_URL_LENGTH () {
        return MAX_URL_LENGTH;
    }
});
const MAX_URL_LENGTH = 8192;
const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

//# sourceMappingURL=limits.js.map