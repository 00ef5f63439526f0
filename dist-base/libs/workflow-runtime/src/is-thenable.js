// Ports and executors may answer synchronously; awaiting only real promises saves a microtask per call.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "isThenable", {
    enumerable: true,
    get: function() {
        return isThenable;
    }
});
function isThenable(value) {
    return typeof value?.then === 'function';
}

//# sourceMappingURL=is-thenable.js.map