// The assigner node (Dify's variable assigner, v1 and v2): writes conversation variables.
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
    get ASSIGNER_OPERATIONS () {
        return ASSIGNER_OPERATIONS;
    },
    get assignerNodeDefinition () {
        return assignerNodeDefinition;
    }
});
const _zod = require("zod");
const _nodedefinition = require("./node-definition");
const ASSIGNER_OPERATIONS = [
    'over-write',
    'clear',
    'append',
    'extend',
    'set',
    '+=',
    '-=',
    '*=',
    '/=',
    'remove-first',
    'remove-last'
];
const V1_WRITE_MODES = [
    'over-write',
    'append',
    'clear'
];
const NO_VALUE = new Set([
    'clear',
    'remove-first',
    'remove-last'
]);
const itemSchema = _zod.z.looseObject({
    variable_selector: _nodedefinition.selectorSchema,
    input_type: _zod.z.enum([
        'variable',
        'constant'
    ]).nullish(),
    operation: _zod.z.enum(ASSIGNER_OPERATIONS),
    value: _zod.z.unknown().optional()
});
const schema = _zod.z.looseObject({
    ..._nodedefinition.baseDataShape,
    type: _zod.z.literal('assigner'),
    version: _zod.z.string().nullish(),
    items: _zod.z.array(itemSchema).nullish(),
    assigned_variable_selector: _nodedefinition.selectorSchema.nullish(),
    write_mode: _zod.z.enum(V1_WRITE_MODES).nullish(),
    input_variable_selector: _zod.z.array(_zod.z.string()).nullish()
});
function itemsOf(parsed) {
    if (parsed.version !== '2' && parsed.assigned_variable_selector) {
        const operation = parsed.write_mode ?? 'over-write';
        const value = NO_VALUE.has(operation) ? null : parsed.input_variable_selector ?? [];
        return [
            {
                path: [],
                item: {
                    variable_selector: parsed.assigned_variable_selector,
                    input_type: 'variable',
                    operation,
                    value
                }
            }
        ];
    }
    return (parsed.items ?? []).map((it, i)=>({
            path: [
                'items',
                i
            ],
            item: {
                variable_selector: it.variable_selector,
                input_type: it.input_type ?? 'variable',
                operation: it.operation,
                value: it.value ?? null
            }
        }));
}
function isSelector(value) {
    return Array.isArray(value) && value.length >= 2 && value.every((s)=>typeof s === 'string' && s !== '');
}
function check(parsed) {
    const issues = [];
    if (parsed.version !== '2' && !parsed.assigned_variable_selector && !parsed.items) issues.push({
        path: [
            'items'
        ],
        code: 'required',
        detail: 'is required (or the v1 assigned_variable_selector)'
    });
    for (const { path, item } of itemsOf(parsed)){
        const target = path.length ? [
            ...path,
            'variable_selector'
        ] : [
            'assigned_variable_selector'
        ];
        if (item.variable_selector[0] !== 'conversation') issues.push({
            path: target,
            code: 'invalid_value',
            detail: `must name a conversation variable (['conversation', name]), got ${JSON.stringify(item.variable_selector)}`
        });
        if (item.input_type === 'variable' && !NO_VALUE.has(item.operation) && !isSelector(item.value)) {
            issues.push({
                path: path.length ? [
                    ...path,
                    'value'
                ] : [
                    'input_variable_selector'
                ],
                code: 'invalid_value',
                detail: 'must be a variable selector ([node_id, field, ...]) when input_type is variable'
            });
        }
    }
    return issues;
}
function references(parsed) {
    const refs = [];
    for (const { path, item } of itemsOf(parsed)){
        refs.push({
            path: path.length ? [
                ...path,
                'variable_selector'
            ] : [
                'assigned_variable_selector'
            ],
            selector: item.variable_selector
        });
        if (item.input_type === 'variable' && isSelector(item.value)) refs.push({
            path: path.length ? [
                ...path,
                'value'
            ] : [
                'input_variable_selector'
            ],
            selector: item.value
        });
    }
    return refs;
}
const assignerNodeDefinition = {
    type: 'assigner',
    schema,
    normalize: (parsed, nodeId)=>(0, _nodedefinition.normalizeData)(parsed, 'assigner', nodeId, {
            version: parsed.version === '2' ? '2' : '1',
            items: itemsOf(parsed).map((x)=>x.item)
        }),
    check,
    references,
    outputFields: ()=>[]
};

//# sourceMappingURL=assigner.node.js.map