// The run event stream port: append-only per run, numbered 1, 2, 3, ...; readers can resume after
// any sequence number (SSE Last-Event-ID) and miss nothing. Redis Streams + pub/sub in distributed
// mode, in-process in standalone mode.
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
    get OrderedDelivery () {
        return OrderedDelivery;
    },
    get RUN_EVENT_STORE () {
        return RUN_EVENT_STORE;
    },
    get catchUpOrUnsubscribe () {
        return catchUpOrUnsubscribe;
    }
});
const _logger = require("../logging/logger");
const RUN_EVENT_STORE = Symbol('RUN_EVENT_STORE');
let OrderedDelivery = class OrderedDelivery {
    fill;
    onEvent;
    last;
    chain = Promise.resolve();
    closed = false;
    constructor(afterSeq, fill, onEvent){
        this.fill = fill;
        this.onEvent = onEvent;
        this.last = afterSeq;
    }
    offer(e) {
        // a failed gap read is logged and skipped, never left as a rejected chain: the next live event
        // or read retries it, and an unhandled rejection would take the whole process down
        this.chain = this.chain.then(async ()=>{
            if (this.closed || e.sequence <= this.last) return;
            if (e.sequence > this.last + 1) {
                // a live message overtook the backlog, or pub/sub dropped one: read the gap from the stream
                for (const missed of (await this.fill(this.last)))this.deliver(missed);
                return;
            }
            this.deliver(e);
        }).catch((err)=>(0, _logger.createLogger)('OrderedDelivery').warn({
                err
            }, 'could not read missed run events'));
    }
    /** Delivers the backlog; rejects (and leaves the chain usable) when it cannot be read. */ catchUp() {
        const backlog = this.chain.then(async ()=>{
            for (const e of (await this.fill(this.last)))this.deliver(e);
        });
        this.chain = backlog.catch(()=>undefined);
        return backlog;
    }
    close() {
        this.closed = true;
    }
    deliver(e) {
        if (this.closed || e.sequence <= this.last) return;
        this.last = e.sequence;
        this.onEvent(e);
    }
};
async function catchUpOrUnsubscribe(delivery, unsubscribe) {
    try {
        await delivery.catchUp();
    } catch (err) {
        unsubscribe();
        throw err;
    }
    return unsubscribe;
}

//# sourceMappingURL=run-event-store.js.map