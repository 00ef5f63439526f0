// Emits text_chunk events from the LLM port's synchronous onChunk callback.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "ChunkEmitter", {
    enumerable: true,
    get: function() {
        return ChunkEmitter;
    }
});
const _isthenable = require("./is-thenable");
let ChunkEmitter = class ChunkEmitter {
    events;
    pending = [];
    closed = false;
    constructor(events){
        this.events = events;
    }
    emit = (text, selector)=>{
        if (this.closed) return;
        const result = this.events.emit({
            event: 'text_chunk',
            data: {
                text,
                from_variable_selector: selector
            }
        });
        if (result && (0, _isthenable.isThenable)(result)) this.pending.push(result);
    };
    async close() {
        this.closed = true;
        if (this.pending.length > 0) await Promise.all(this.pending);
    }
};

//# sourceMappingURL=text-chunk.emitter.js.map