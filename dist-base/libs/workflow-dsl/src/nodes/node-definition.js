// What the DSL needs to know about one node type. New node types add a definition and join the registry.
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
    get DEFAULT_SOURCE_HANDLES () {
        return DEFAULT_SOURCE_HANDLES;
    },
    get FAIL_BRANCH_HANDLE () {
        return FAIL_BRANCH_HANDLE;
    },
    get RESERVED_VARIABLE_NAMES () {
        return RESERVED_VARIABLE_NAMES;
    },
    get VARIABLE_NAME () {
        return VARIABLE_NAME;
    },
    get baseDataShape () {
        return baseDataShape;
    },
    get normalizeData () {
        return normalizeData;
    },
    get selectorSchema () {
        return selectorSchema;
    },
    get uniqueNames () {
        return uniqueNames;
    },
    get variableNameSchema () {
        return variableNameSchema;
    }
});
const _zod = require("zod");
const FAIL_BRANCH_HANDLE = 'fail-branch';
const DEFAULT_SOURCE_HANDLES = [
    'source'
];
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_VARIABLE_NAMES = new Set([
    '__proto__',
    'constructor',
    'prototype'
]);
const variableNameSchema = _zod.z.string().regex(VARIABLE_NAME, {
    error: 'must be an identifier (letters, digits and _, not starting with a digit)'
}).refine((name)=>!RESERVED_VARIABLE_NAMES.has(name), {
    error: (issue)=>`'${String(issue.input)}' is reserved; choose another name`
});
const selectorSchema = _zod.z.array(_zod.z.string().min(1)).min(2);
function uniqueNames(names, listPath, field) {
    const issues = [];
    const seen = new Map();
    const base = typeof listPath === 'string' ? [
        listPath
    ] : listPath;
    names.forEach((name, i)=>{
        const first = seen.get(name);
        if (first === undefined) seen.set(name, i);
        else issues.push({
            path: [
                ...base,
                i,
                field
            ],
            code: 'duplicate_variable',
            detail: `'${name}' is already declared by ${base.join('.')}[${first}]`
        });
    });
    return issues;
}
const baseDataShape = {
    title: _zod.z.string().nullish(),
    desc: _zod.z.string().nullish(),
    error_strategy: _zod.z.enum([
        'fail-branch',
        'default-value',
        'none'
    ]).nullish(),
    default_value: _zod.z.array(_zod.z.looseObject({
        key: _zod.z.string().min(1),
        type: _zod.z.string().nullish(),
        value: _zod.z.unknown().optional()
    })).nullish()
};
function normalizeData(parsed, type, nodeId, fields) {
    // Dify writes error_strategy 'none' (or null) for "fail the run".
    const strategy = parsed.error_strategy === 'fail-branch' || parsed.error_strategy === 'default-value' ? parsed.error_strategy : undefined;
    const defaults = strategy === 'default-value' && Array.isArray(parsed.default_value) ? parsed.default_value.map((d)=>({
            key: d.key,
            type: d.type ?? undefined,
            value: d.value ?? null
        })) : undefined;
    return Object.assign({}, parsed, {
        type,
        title: parsed.title || nodeId,
        desc: parsed.desc ?? undefined,
        error_strategy: strategy,
        default_value: defaults
    }, fields);
}

//# sourceMappingURL=node-definition.js.map