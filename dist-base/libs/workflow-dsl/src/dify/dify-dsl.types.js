// The shapes importDifyDsl and exportDifyDsl take and return.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});

//# sourceMappingURL=dify-dsl.types.js.map