// Public identifiers: a type prefix and a ULID (time-sortable, 26 Crockford base32 chars, lower case).
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
    get hasPrefix () {
        return hasPrefix;
    },
    get looksLikeId () {
        return looksLikeId;
    },
    get newId () {
        return newId;
    },
    get ulid () {
        return ulid;
    }
});
const _nodecrypto = require("node:crypto");
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
let lastTime = -1;
let lastRandom = new Uint8Array(10);
function encodeTime(time) {
    let out = '';
    for(let i = 0; i < 10; i++){
        out = ALPHABET[time % 32] + out;
        time = Math.floor(time / 32);
    }
    return out;
}
function encodeRandom(bytes) {
    // 80 bits -> 16 chars of 5 bits
    let out = '';
    let acc = 0;
    let bits = 0;
    for (const b of bytes){
        acc = acc << 8 | b;
        bits += 8;
        while(bits >= 5){
            bits -= 5;
            out += ALPHABET[acc >> bits & 31];
        }
        acc &= (1 << bits) - 1;
    }
    return out;
}
function ulid(now = Date.now()) {
    if (now <= lastTime) {
        const next = new Uint8Array(lastRandom);
        for(let i = next.length - 1; i >= 0; i--){
            if (next[i] < 255) {
                next[i]++;
                break;
            }
            next[i] = 0;
        }
        lastRandom = next;
        now = lastTime;
    } else {
        lastTime = now;
        lastRandom = new Uint8Array((0, _nodecrypto.randomBytes)(10));
    }
    return encodeTime(now) + encodeRandom(lastRandom);
}
function newId(prefix) {
    return `${prefix}_${ulid()}`;
}
function hasPrefix(id, prefix) {
    return id.startsWith(`${prefix}_`) && id.length === prefix.length + 27;
}
function looksLikeId(id, prefix) {
    return id.startsWith(`${prefix}_`) && id.length <= 128 && /^[0-9A-Za-z_-]+$/.test(id);
}

//# sourceMappingURL=ids.js.map