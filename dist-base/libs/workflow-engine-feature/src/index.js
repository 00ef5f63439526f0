// @shoal/workflow-engine-feature — the workflow engine's Nest module: queue processor, run execution, checkpoints.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "EngineModule", {
    enumerable: true,
    get: function() {
        return _enginemodule.EngineModule;
    }
});
const _enginemodule = require("./engine.module");

//# sourceMappingURL=index.js.map