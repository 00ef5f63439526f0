// The end node: picks the run's outputs from the variable pool.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "endNodeDefinition", {
    enumerable: true,
    get: function() {
        return endNodeDefinition;
    }
});
const _zod = require("zod");
const _nodedefinition = require("./node-definition");
const outputSchema = _zod.z.looseObject({
    variable: _nodedefinition.variableNameSchema,
    value_selector: _zod.z.array(_zod.z.string().min(1)).min(2)
});
const schema = _zod.z.looseObject({
    ..._nodedefinition.baseDataShape,
    type: _zod.z.literal('end'),
    outputs: _zod.z.array(outputSchema).nullish()
});
function check(parsed) {
    const issues = [];
    const seen = new Map();
    (parsed.outputs ?? []).forEach((o, i)=>{
        const first = seen.get(o.variable);
        if (first === undefined) seen.set(o.variable, i);
        else issues.push({
            path: [
                'outputs',
                i,
                'variable'
            ],
            code: 'duplicate_variable',
            detail: `'${o.variable}' is already declared by outputs[${first}]`
        });
    });
    return issues;
}
const endNodeDefinition = {
    type: 'end',
    schema,
    normalize: (parsed, nodeId)=>(0, _nodedefinition.normalizeData)(parsed, 'end', nodeId, {
            outputs: (parsed.outputs ?? []).map((o)=>({
                    variable: o.variable,
                    value_selector: o.value_selector
                }))
        }),
    check,
    references: (parsed)=>(parsed.outputs ?? []).map((o, i)=>({
                path: [
                    'outputs',
                    i,
                    'value_selector'
                ],
                selector: o.value_selector
            })),
    outputFields: (parsed)=>(parsed.outputs ?? []).map((o)=>o.variable)
};

//# sourceMappingURL=end.node.js.map