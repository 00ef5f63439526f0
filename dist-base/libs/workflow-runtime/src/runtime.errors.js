// Errors the runtime raises, each with a stable code.
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
    get InvalidRunInputsError () {
        return InvalidRunInputsError;
    },
    get RunCancelledError () {
        return RunCancelledError;
    },
    get WorkflowRuntimeError () {
        return WorkflowRuntimeError;
    }
});
let WorkflowRuntimeError = class WorkflowRuntimeError extends Error {
    code;
    constructor(code, message){
        super(message), this.code = code;
        this.name = new.target.name;
    }
};
let RunCancelledError = class RunCancelledError extends WorkflowRuntimeError {
    constructor(){
        super('cancelled', 'cancelled');
    }
};
let InvalidRunInputsError = class InvalidRunInputsError extends WorkflowRuntimeError {
    issues;
    constructor(issues){
        super('invalid_inputs', `invalid inputs: ${issues.map((i)=>i.message).join('; ')}`), this.issues = issues;
    }
};

//# sourceMappingURL=runtime.errors.js.map