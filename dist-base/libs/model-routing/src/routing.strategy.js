// The seam where routing strategies plug in: weighted round-robin now; least-in-flight,
// latency EWMA and cost-based later.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});

//# sourceMappingURL=routing.strategy.js.map