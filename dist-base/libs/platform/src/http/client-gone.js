"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "clientGone", {
    enumerable: true,
    get: function() {
        return clientGone;
    }
});
function clientGone(reply) {
    const abort = new AbortController();
    reply.raw.once('close', ()=>{
        if (!reply.raw.writableFinished) abort.abort();
    });
    return abort.signal;
}

//# sourceMappingURL=client-gone.js.map