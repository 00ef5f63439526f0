// The start node: declares the run's input form.
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
    get START_VARIABLE_TYPES () {
        return START_VARIABLE_TYPES;
    },
    get startNodeDefinition () {
        return startNodeDefinition;
    }
});
const _zod = require("zod");
const _nodedefinition = require("./node-definition");
const START_VARIABLE_TYPES = [
    'text-input',
    'paragraph',
    'select',
    'number',
    'checkbox',
    'json_object'
];
const variableSchema = _zod.z.looseObject({
    variable: _nodedefinition.variableNameSchema,
    label: _zod.z.string().nullish(),
    type: _zod.z.enum(START_VARIABLE_TYPES),
    required: _zod.z.boolean().nullish(),
    max_length: _zod.z.number().int().nonnegative().nullish(),
    options: _zod.z.array(_zod.z.string()).nullish(),
    default: _zod.z.union([
        _zod.z.string(),
        _zod.z.number(),
        _zod.z.boolean(),
        _zod.z.record(_zod.z.string(), _zod.z.unknown())
    ]).nullish()
});
const schema = _zod.z.looseObject({
    ..._nodedefinition.baseDataShape,
    type: _zod.z.literal('start'),
    variables: _zod.z.array(variableSchema).nullish()
});
function normalizeVariable(v) {
    const out = {
        variable: v.variable,
        label: v.label || v.variable,
        type: v.type,
        required: v.required ?? false
    };
    // Dify writes max_length 0 or null for "no limit" and '' for "no default".
    if (v.max_length) out.max_length = v.max_length;
    if (v.type === 'select') out.options = v.options ?? [];
    if (v.default != null && v.default !== '') out.default = v.default;
    return out;
}
function check(parsed) {
    const issues = [];
    const seen = new Map();
    (parsed.variables ?? []).forEach((v, i)=>{
        const path = [
            'variables',
            i
        ];
        const first = seen.get(v.variable);
        if (first !== undefined) issues.push({
            path: [
                ...path,
                'variable'
            ],
            code: 'duplicate_variable',
            detail: `'${v.variable}' is already declared by variables[${first}]`
        });
        else seen.set(v.variable, i);
        if (v.type === 'select' && !v.options?.length) issues.push({
            path: [
                ...path,
                'options'
            ],
            code: 'required',
            detail: 'must list at least one option for a select variable'
        });
        const dflt = v.default;
        if (dflt == null || dflt === '') return;
        const expected = v.type === 'number' ? 'number' : v.type === 'checkbox' ? 'boolean' : v.type === 'json_object' ? 'object' : 'string';
        const got = typeof dflt === 'object' ? 'object' : typeof dflt;
        if (got !== expected) issues.push({
            path: [
                ...path,
                'default'
            ],
            code: 'invalid_type',
            detail: `must be a${expected === 'object' ? 'n' : ''} ${expected} for a ${v.type} variable (got ${got} ${JSON.stringify(dflt)})`
        });
        if (v.type === 'select' && v.options?.length && !v.options.includes(String(dflt))) {
            issues.push({
                path: [
                    ...path,
                    'default'
                ],
                code: 'invalid_value',
                detail: `must be one of the options (got '${String(dflt)}')`
            });
        }
    });
    return issues;
}
const startNodeDefinition = {
    type: 'start',
    schema,
    normalize: (parsed, nodeId)=>(0, _nodedefinition.normalizeData)(parsed, 'start', nodeId, {
            variables: (parsed.variables ?? []).map(normalizeVariable)
        }),
    check,
    references: ()=>[],
    outputFields: (parsed)=>(parsed.variables ?? []).map((v)=>v.variable)
};

//# sourceMappingURL=start.node.js.map