// Reads the deployments file MODEL_POOL_CONFIG names; model-pool and standalone read it the same way.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "readDeploymentFile", {
    enumerable: true,
    get: function() {
        return readDeploymentFile;
    }
});
const _nodefs = require("node:fs");
const _platform = require("../../platform/src");
function readDeploymentFile(path) {
    try {
        return JSON.parse((0, _nodefs.readFileSync)(path, 'utf8'));
    } catch (err) {
        throw new _platform.ConfigError([
            {
                variable: 'MODEL_POOL_CONFIG',
                message: `cannot read ${path}: ${err.message}`
            }
        ]);
    }
}

//# sourceMappingURL=deployment-file.reader.js.map