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
    get Secret () {
        return Secret;
    },
    get redactKeyPatterns () {
        return redactKeyPatterns;
    },
    get redactSecrets () {
        return redactSecrets;
    }
});
// Keeps provider API keys out of logs, error messages and serialized config.
const REDACTED = '[redacted]';
let Secret = class Secret {
    // A private field, not a property: it is invisible to Object.keys, spread, JSON and inspect.
    #value;
    constructor(value){
        this.#value = value;
    }
    reveal() {
        return this.#value;
    }
    get isEmpty() {
        return this.#value.length === 0;
    }
    toString() {
        return REDACTED;
    }
    toJSON() {
        return REDACTED;
    }
    [Symbol.toPrimitive]() {
        return REDACTED;
    }
    // The symbol Node's util.inspect looks up; Symbol.for avoids importing node:util into a core lib.
    [Symbol.for('nodejs.util.inspect.custom')]() {
        return REDACTED;
    }
};
// Shapes that provider keys and credentials take in error messages we pass on:
//  - OpenAI and DeepSeek keys (`sk-…`, `sk-proj-…`), including OpenAI's half-masked echo
//    "Incorrect API key provided: sk-abc1*********wxyz";
//  - bearer tokens echoed back by proxies;
//  - `api_key=…` / `"apiKey": "…"` fragments from query strings and JSON bodies.
const KEY_PATTERNS = [
    /\bsk-[A-Za-z0-9*_-]{6,}/g,
    /\b(Bearer\s+)[A-Za-z0-9._~+/*=-]{6,}/gi,
    /\b(api[_-]?key["']?\s*[:=]\s*["']?)[^\s"'&,}]{6,}/gi
];
function redactKeyPatterns(text) {
    let out = text;
    for (const pattern of KEY_PATTERNS){
        out = out.replace(pattern, (_match, prefix)=>typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED);
    }
    return out;
}
function redactSecrets(text, secrets) {
    const values = secrets.map((s)=>s instanceof Secret ? s.reveal() : s).filter((s)=>s.length >= 4)// Longest first, so a secret that contains another is replaced whole.
    .sort((a, b)=>b.length - a.length);
    let out = text;
    for (const value of values){
        out = out.split(value).join(REDACTED);
    }
    return redactKeyPatterns(out);
}

//# sourceMappingURL=secrets.js.map