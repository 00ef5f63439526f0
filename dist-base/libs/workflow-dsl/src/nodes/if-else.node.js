// The if-else node: picks the first case whose conditions hold; its edges leave by case_id, or 'false'.
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
    get COMPARISON_OPERATORS () {
        return COMPARISON_OPERATORS;
    },
    get IF_ELSE_DEFAULT_HANDLE () {
        return IF_ELSE_DEFAULT_HANDLE;
    },
    get IF_ELSE_OUTPUT_FIELDS () {
        return IF_ELSE_OUTPUT_FIELDS;
    },
    get ifElseNodeDefinition () {
        return ifElseNodeDefinition;
    }
});
const _zod = require("zod");
const _variablereference = require("../variable-reference");
const _nodedefinition = require("./node-definition");
const COMPARISON_OPERATORS = [
    'contains',
    'not contains',
    'start with',
    'end with',
    'is',
    'is not',
    'empty',
    'not empty',
    'in',
    'not in',
    'all of',
    '=',
    '≠',
    '>',
    '<',
    '≥',
    '≤',
    'null',
    'not null',
    'exists',
    'not exists'
];
const IF_ELSE_OUTPUT_FIELDS = [
    'result',
    'selected_case_id'
];
const IF_ELSE_DEFAULT_HANDLE = 'false';
const conditionSchema = _zod.z.looseObject({
    variable_selector: _zod.z.array(_zod.z.string().min(1)).min(2),
    comparison_operator: _zod.z.enum(COMPARISON_OPERATORS),
    value: _zod.z.union([
        _zod.z.string(),
        _zod.z.array(_zod.z.string()),
        _zod.z.boolean()
    ]).nullish()
});
const logicalOperator = _zod.z.enum([
    'and',
    'or'
]);
const caseSchema = _zod.z.looseObject({
    case_id: _zod.z.string().min(1),
    logical_operator: logicalOperator.nullish(),
    conditions: _zod.z.array(conditionSchema).nullish()
});
const schema = _zod.z.looseObject({
    ..._nodedefinition.baseDataShape,
    type: _zod.z.literal('if-else'),
    cases: _zod.z.array(caseSchema).nullish(),
    logical_operator: logicalOperator.nullish(),
    conditions: _zod.z.array(conditionSchema).nullish()
});
function normalizeCondition(c) {
    const out = {
        variable_selector: c.variable_selector,
        comparison_operator: c.comparison_operator
    };
    if (c.value !== undefined && c.value !== null) out.value = c.value;
    return out;
}
/** Cases with their paths, in Dify's order: `cases` when present, else the legacy conditions as case 'true'. */ function casesOf(parsed) {
    if (parsed.cases) {
        return parsed.cases.map((c, i)=>({
                path: [
                    'cases',
                    i
                ],
                c: {
                    case_id: c.case_id,
                    logical_operator: c.logical_operator ?? 'and',
                    conditions: (c.conditions ?? []).map(normalizeCondition)
                }
            }));
    }
    return [
        {
            path: [],
            c: {
                case_id: 'true',
                logical_operator: parsed.logical_operator ?? 'and',
                conditions: (parsed.conditions ?? []).map(normalizeCondition)
            }
        }
    ];
}
function check(parsed) {
    const issues = [];
    const seen = new Map();
    (parsed.cases ?? []).forEach((c, i)=>{
        const first = seen.get(c.case_id);
        if (c.case_id === IF_ELSE_DEFAULT_HANDLE) issues.push({
            path: [
                'cases',
                i,
                'case_id'
            ],
            code: 'invalid_value',
            detail: `must not be '${IF_ELSE_DEFAULT_HANDLE}', the handle of the else branch`
        });
        else if (first !== undefined) issues.push({
            path: [
                'cases',
                i,
                'case_id'
            ],
            code: 'duplicate_variable',
            detail: `'${c.case_id}' is already used by cases[${first}]`
        });
        else seen.set(c.case_id, i);
    });
    return issues;
}
function references(parsed) {
    const refs = [];
    for (const { path, c } of casesOf(parsed)){
        c.conditions.forEach((cond, i)=>{
            const at = [
                ...path,
                'conditions',
                i
            ];
            refs.push({
                path: [
                    ...at,
                    'variable_selector'
                ],
                selector: cond.variable_selector
            });
            if (typeof cond.value === 'string') for (const ref of (0, _variablereference.parseVariableReferences)(cond.value))refs.push({
                path: [
                    ...at,
                    'value'
                ],
                selector: ref.selector,
                raw: ref.raw
            });
        });
    }
    return refs;
}
const ifElseNodeDefinition = {
    type: 'if-else',
    schema,
    normalize: (parsed, nodeId)=>{
        const data = (0, _nodedefinition.normalizeData)(parsed, 'if-else', nodeId, {
            cases: casesOf(parsed).map((x)=>x.c),
            legacy: !parsed.cases
        });
        // The legacy fields are folded into `cases`; keeping both would leave two sources of truth.
        delete data.conditions;
        delete data.logical_operator;
        return data;
    },
    check,
    references,
    outputFields: ()=>IF_ELSE_OUTPUT_FIELDS,
    sourceHandles: (parsed)=>[
            ...casesOf(parsed).map((x)=>x.c.case_id),
            IF_ELSE_DEFAULT_HANDLE
        ]
};

//# sourceMappingURL=if-else.node.js.map