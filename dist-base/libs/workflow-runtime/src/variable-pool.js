// Node outputs of one run, read by selector: [nodeId, field, ...path].
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "VariablePool", {
    enumerable: true,
    get: function() {
        return VariablePool;
    }
});
let VariablePool = class VariablePool {
    nodes = new Map();
    /** Stores the object as is: outputs are never mutated after a node returns them, so no copy is taken. */ set(nodeId, outputs) {
        this.nodes.set(nodeId, outputs);
    }
    has(nodeId) {
        return this.nodes.has(nodeId);
    }
    /** undefined when any step is missing. Only own properties are followed, so `constructor` or `__proto__` read nothing. */ get(selector) {
        let value = this.nodes.get(selector[0]);
        for(let i = 1; i < selector.length; i++){
            if (value === null || typeof value !== 'object' || !Object.hasOwn(value, selector[i])) return undefined;
            value = value[selector[i]];
        }
        return value;
    }
    lookup = (selector)=>this.get(selector);
};

//# sourceMappingURL=variable-pool.js.map