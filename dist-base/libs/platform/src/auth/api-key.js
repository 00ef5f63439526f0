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
    get bearerToken () {
        return bearerToken;
    },
    get constantTimeEqual () {
        return constantTimeEqual;
    },
    get displayPrefix () {
        return displayPrefix;
    },
    get generateApiKey () {
        return generateApiKey;
    },
    get hashApiKey () {
        return hashApiKey;
    }
});
const _nodecrypto = require("node:crypto");
const KEY_PREFIX = 'sk-shoal-';
function generateApiKey() {
    return KEY_PREFIX + (0, _nodecrypto.randomBytes)(24).toString('base64url');
}
function hashApiKey(key) {
    return (0, _nodecrypto.createHash)('sha256').update(key).digest('hex');
}
function displayPrefix(key) {
    return key.slice(0, KEY_PREFIX.length + 4);
}
function constantTimeEqual(a, b) {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && (0, _nodecrypto.timingSafeEqual)(x, y);
}
function bearerToken(header) {
    const value = Array.isArray(header) ? header[0] : header;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
    return m?.[1];
}

//# sourceMappingURL=api-key.js.map