// template-transform: renders the Jinja2 template over its variables into `output`.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "templateTransformNodeExecutor", {
    enumerable: true,
    get: function() {
        return templateTransformNodeExecutor;
    }
});
const _jinja2renderer = require("./jinja2.renderer");
const templateTransformNodeExecutor = {
    callsLlm: false,
    execute (node, ctx) {
        const variables = {};
        for (const { variable, value_selector } of node.data.variables)variables[variable] = ctx.pool.get(value_selector) ?? null;
        return {
            inputs: variables,
            outputs: {
                output: (0, _jinja2renderer.renderJinja2)(node.data.template, variables)
            }
        };
    }
};

//# sourceMappingURL=template-transform.node.js.map