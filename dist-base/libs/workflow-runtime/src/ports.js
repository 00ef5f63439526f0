// The runtime's only ways out: an LLM client, a checkpoint store, an event sink and a clock. Apps implement them.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "systemClock", {
    enumerable: true,
    get: function() {
        return systemClock;
    }
});
const systemClock = {
    now: ()=>Date.now()
};

//# sourceMappingURL=ports.js.map