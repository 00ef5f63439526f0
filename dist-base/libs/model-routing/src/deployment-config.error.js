"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "DeploymentConfigError", {
    enumerable: true,
    get: function() {
        return DeploymentConfigError;
    }
});
let DeploymentConfigError = class DeploymentConfigError extends Error {
    code = 'deployment_config_invalid';
    issues;
    constructor(issues){
        super(issues.map((i)=>i.path ? `${i.path}: ${i.message}` : i.message).join('; '));
        this.name = 'DeploymentConfigError';
        this.issues = issues;
    }
};

//# sourceMappingURL=deployment-config.error.js.map