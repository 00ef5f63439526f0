// The template-transform node: renders a Jinja2 template over named variables into `output`.
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
    get TEMPLATE_TRANSFORM_OUTPUT_FIELDS () {
        return TEMPLATE_TRANSFORM_OUTPUT_FIELDS;
    },
    get templateTransformNodeDefinition () {
        return templateTransformNodeDefinition;
    }
});
const _zod = require("zod");
const _nodedefinition = require("./node-definition");
const TEMPLATE_TRANSFORM_OUTPUT_FIELDS = [
    'output'
];
const schema = _zod.z.looseObject({
    ..._nodedefinition.baseDataShape,
    type: _zod.z.literal('template-transform'),
    variables: _zod.z.array(_zod.z.looseObject({
        variable: _nodedefinition.variableNameSchema,
        value_selector: _nodedefinition.selectorSchema
    })).nullish(),
    template: _zod.z.string()
});
function check(parsed) {
    return (0, _nodedefinition.uniqueNames)((parsed.variables ?? []).map((v)=>v.variable), 'variables', 'variable');
}
const templateTransformNodeDefinition = {
    type: 'template-transform',
    schema,
    normalize: (parsed, nodeId)=>(0, _nodedefinition.normalizeData)(parsed, 'template-transform', nodeId, {
            variables: (parsed.variables ?? []).map((v)=>({
                    variable: v.variable,
                    value_selector: v.value_selector
                })),
            template: parsed.template
        }),
    check,
    references: (parsed)=>(parsed.variables ?? []).map((v, i)=>({
                path: [
                    'variables',
                    i,
                    'value_selector'
                ],
                selector: v.value_selector
            })),
    outputFields: ()=>TEMPLATE_TRANSFORM_OUTPUT_FIELDS
};

//# sourceMappingURL=template-transform.node.js.map