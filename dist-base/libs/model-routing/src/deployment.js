// What a deployment is: one provider endpoint + credential + upstream model, serving a public alias.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "PROVIDER_KINDS", {
    enumerable: true,
    get: function() {
        return PROVIDER_KINDS;
    }
});
const PROVIDER_KINDS = [
    'openai',
    'deepseek',
    'openai-compatible'
];

//# sourceMappingURL=deployment.js.map