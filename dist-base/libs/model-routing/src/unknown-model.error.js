/** No alias of that name; the app answers OpenAI's 404 `model_not_found`. */ "use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "UnknownModelError", {
    enumerable: true,
    get: function() {
        return UnknownModelError;
    }
});
let UnknownModelError = class UnknownModelError extends Error {
    model;
    code = 'model_not_found';
    clientStatus = 404;
    constructor(model){
        super(`The model "${model}" does not exist`), this.model = model;
        this.name = 'UnknownModelError';
    }
};

//# sourceMappingURL=unknown-model.error.js.map