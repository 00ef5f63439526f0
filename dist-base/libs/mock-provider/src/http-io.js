// Small node:http helpers for the mock provider.
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
    get BodyTooLargeError () {
        return BodyTooLargeError;
    },
    get flatHeaders () {
        return flatHeaders;
    },
    get pause () {
        return pause;
    },
    get readBody () {
        return readBody;
    },
    get sendJson () {
        return sendJson;
    },
    get write () {
        return write;
    }
});
const _promises = require("node:timers/promises");
async function pause(ms, signal) {
    if (signal.aborted) return false;
    if (!ms) return true;
    try {
        await (0, _promises.setTimeout)(ms, undefined, {
            signal
        });
        return true;
    } catch  {
        return false;
    }
}
let BodyTooLargeError = class BodyTooLargeError extends Error {
};
async function readBody(req, limitBytes) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req){
        const buf = chunk;
        size += buf.length;
        if (size > limitBytes) throw new BodyTooLargeError();
        chunks.push(buf);
    }
    return Buffer.concat(chunks).toString('utf8');
}
function sendJson(res, status, body, headers = {}) {
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
        ...headers,
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text)
    });
    res.end(text);
}
function write(res, data) {
    return new Promise((resolve)=>{
        if (res.destroyed) return resolve();
        res.write(data, ()=>resolve());
    });
}
function flatHeaders(req) {
    const out = {};
    for (const [name, value] of Object.entries(req.headers)){
        if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return out;
}

//# sourceMappingURL=http-io.js.map