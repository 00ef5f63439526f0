// The list-operator node: filters, picks the n-th item, sorts and limits an array variable.
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
    get LIST_FILTER_OPERATORS () {
        return LIST_FILTER_OPERATORS;
    },
    get LIST_OPERATOR_OUTPUT_FIELDS () {
        return LIST_OPERATOR_OUTPUT_FIELDS;
    },
    get listOperatorNodeDefinition () {
        return listOperatorNodeDefinition;
    }
});
const _zod = require("zod");
const _variablereference = require("../variable-reference");
const _nodedefinition = require("./node-definition");
const LIST_FILTER_OPERATORS = [
    'contains',
    'start with',
    'end with',
    'is',
    'in',
    'empty',
    'not contains',
    'is not',
    'not in',
    'not empty',
    '=',
    '≠',
    '<',
    '>',
    '≥',
    '≤'
];
const LIST_OPERATOR_OUTPUT_FIELDS = [
    'result',
    'first_record',
    'last_record'
];
const schema = _zod.z.looseObject({
    ..._nodedefinition.baseDataShape,
    type: _zod.z.literal('list-operator'),
    variable: _nodedefinition.selectorSchema,
    filter_by: _zod.z.looseObject({
        enabled: _zod.z.boolean().nullish(),
        conditions: _zod.z.array(_zod.z.looseObject({
            key: _zod.z.string().nullish(),
            comparison_operator: _zod.z.enum(LIST_FILTER_OPERATORS).nullish(),
            value: _zod.z.union([
                _zod.z.string(),
                _zod.z.array(_zod.z.string()),
                _zod.z.boolean()
            ]).nullish()
        })).nullish()
    }).nullish(),
    order_by: _zod.z.looseObject({
        enabled: _zod.z.boolean().nullish(),
        key: _zod.z.string().nullish(),
        value: _zod.z.enum([
            'asc',
            'desc'
        ]).nullish()
    }).nullish(),
    limit: _zod.z.looseObject({
        enabled: _zod.z.boolean().nullish(),
        size: _zod.z.number().int().nullish()
    }).nullish(),
    extract_by: _zod.z.looseObject({
        enabled: _zod.z.boolean().nullish(),
        serial: _zod.z.union([
            _zod.z.string(),
            _zod.z.number().int()
        ]).nullish()
    }).nullish()
});
function references(parsed) {
    const refs = [
        {
            path: [
                'variable'
            ],
            selector: parsed.variable
        }
    ];
    (parsed.filter_by?.conditions ?? []).forEach((c, i)=>{
        if (typeof c.value === 'string') for (const ref of (0, _variablereference.parseVariableReferences)(c.value))refs.push({
            path: [
                'filter_by',
                'conditions',
                i,
                'value'
            ],
            selector: ref.selector,
            raw: ref.raw
        });
    });
    const serial = parsed.extract_by?.serial;
    if (typeof serial === 'string') for (const ref of (0, _variablereference.parseVariableReferences)(serial))refs.push({
        path: [
            'extract_by',
            'serial'
        ],
        selector: ref.selector,
        raw: ref.raw
    });
    return refs;
}
const listOperatorNodeDefinition = {
    type: 'list-operator',
    schema,
    normalize: (parsed, nodeId)=>(0, _nodedefinition.normalizeData)(parsed, 'list-operator', nodeId, {
            variable: parsed.variable,
            filter_by: {
                enabled: parsed.filter_by?.enabled ?? false,
                conditions: (parsed.filter_by?.conditions ?? []).map((c)=>({
                        key: c.key ?? '',
                        comparison_operator: c.comparison_operator ?? 'contains',
                        value: c.value ?? ''
                    }))
            },
            order_by: {
                enabled: parsed.order_by?.enabled ?? false,
                key: parsed.order_by?.key ?? '',
                value: parsed.order_by?.value ?? 'asc'
            },
            limit: {
                enabled: parsed.limit?.enabled ?? false,
                size: parsed.limit?.size ?? -1
            },
            extract_by: {
                enabled: parsed.extract_by?.enabled ?? false,
                serial: String(parsed.extract_by?.serial ?? '1')
            }
        }),
    references,
    outputFields: ()=>LIST_OPERATOR_OUTPUT_FIELDS
};

//# sourceMappingURL=list-operator.node.js.map