// The contract between the scheduler and one node type's behaviour.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});

//# sourceMappingURL=node-executor.js.map