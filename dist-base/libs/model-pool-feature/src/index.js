// @shoal/model-pool-feature — model-pool's Nest module: routing every LLM call across deployments, metering it.
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
    get ModelPoolModule () {
        return _modelpoolmodule.ModelPoolModule;
    },
    get readDeploymentFile () {
        return _deploymentfilereader.readDeploymentFile;
    }
});
const _modelpoolmodule = require("./model-pool.module");
const _deploymentfilereader = require("./deployment-file.reader");

//# sourceMappingURL=index.js.map