// list-operator: filter, extract the n-th item, sort and limit an array of strings, numbers or booleans,
// in Dify's order and with Dify's per-type filters (graphon's nodes/list_operator).
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
    get ListOperatorError () {
        return ListOperatorError;
    },
    get listOperatorNodeExecutor () {
        return listOperatorNodeExecutor;
    }
});
const _workflowdsl = require("../../../workflow-dsl/src");
let ListOperatorError = class ListOperatorError extends Error {
    constructor(message){
        super(message);
        this.name = 'ListOperatorError';
    }
};
function kindOf(list) {
    for (const kind of [
        'string',
        'number',
        'boolean'
    ])if (list.every((x)=>typeof x === kind)) return kind;
    return null;
}
function stringFilter(op, value) {
    switch(op){
        case 'empty':
            return (x)=>x === '';
        case 'not empty':
            return (x)=>x !== '';
        case 'contains':
            return (x)=>x.includes(value);
        case 'not contains':
            return (x)=>!x.includes(value);
        case 'start with':
            return (x)=>x.startsWith(value);
        case 'end with':
            return (x)=>x.endsWith(value);
        case 'is':
            return (x)=>x === value;
        case 'is not':
            return (x)=>x !== value;
        // Python's `x in "text"`: a substring test.
        case 'in':
            return (x)=>value.includes(x);
        case 'not in':
            return (x)=>!value.includes(x);
        default:
            throw new ListOperatorError(`Invalid condition: ${op}`);
    }
}
function numberFilter(op, value) {
    switch(op){
        case '=':
            return (x)=>x === value;
        case '≠':
            return (x)=>x !== value;
        case '<':
            return (x)=>x < value;
        case '≤':
            return (x)=>x <= value;
        case '>':
            return (x)=>x > value;
        case '≥':
            return (x)=>x >= value;
        default:
            throw new ListOperatorError(`Invalid condition: ${op}`);
    }
}
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
function toNumber(text) {
    const t = text.trim();
    if (t.length > 400 || !NUMBER.test(t)) throw new ListOperatorError(`could not convert string to float: '${text}'`);
    return Number(t);
}
function filterBy(list, kind, c, pool) {
    if (kind === 'boolean') {
        if (typeof c.value !== 'boolean') throw new ListOperatorError(`Boolean filter expects a boolean value, got ${typeof c.value}`);
        const expected = c.value;
        if (c.comparison_operator === 'is') return list.filter((x)=>x === expected);
        if (c.comparison_operator === 'is not') return list.filter((x)=>x !== expected);
        throw new ListOperatorError(`Invalid condition: ${c.comparison_operator}`);
    }
    if (typeof c.value !== 'string') throw new ListOperatorError(`Invalid filter value: ${JSON.stringify(c.value)}`);
    const value = (0, _workflowdsl.renderTemplate)(c.value, pool.lookup);
    if (kind === 'string') {
        const f = stringFilter(c.comparison_operator, value);
        return list.filter((x)=>f(x));
    }
    const f = numberFilter(c.comparison_operator, toNumber(value));
    return list.filter((x)=>f(x));
}
function compare(a, b) {
    if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
    return Number(a) - Number(b);
}
const listOperatorNodeExecutor = {
    callsLlm: false,
    execute (node, ctx) {
        const { data } = node;
        const variable = ctx.pool.get(data.variable);
        if (variable === undefined) throw new ListOperatorError(`Variable not found for selector: ${JSON.stringify(data.variable)}`);
        if (variable === null || Array.isArray(variable) && variable.length === 0) {
            return {
                inputs: {
                    variable: []
                },
                processData: {
                    variable: []
                },
                outputs: {
                    result: [],
                    first_record: null,
                    last_record: null
                }
            };
        }
        const kind = Array.isArray(variable) ? kindOf(variable) : null;
        if (!Array.isArray(variable) || kind === null) throw new ListOperatorError(`Variable ${JSON.stringify(data.variable)} is not an array of strings, numbers or booleans`);
        let list = variable;
        if (data.filter_by.enabled) for (const c of data.filter_by.conditions)list = filterBy(list, kind, c, ctx.pool);
        if (data.extract_by.enabled) {
            const text = (0, _workflowdsl.renderTemplate)(data.extract_by.serial, ctx.pool.lookup).trim();
            const serial = /^[-+]?\d{1,15}$/.test(text) ? Number(text) : NaN;
            if (!Number.isInteger(serial) || serial < 1) throw new ListOperatorError(`Invalid serial index: must be >= 1, got ${text}`);
            if (serial > list.length) throw new ListOperatorError(`Invalid serial index: ${serial} is past the end of a list of ${list.length}`);
            list = [
                list[serial - 1]
            ];
        }
        if (data.order_by.enabled) {
            list = [
                ...list
            ].sort(compare);
            if (data.order_by.value === 'desc') list.reverse();
        }
        // Python's value[:size]: a negative size drops that many from the end.
        if (data.limit.enabled) list = list.slice(0, data.limit.size);
        return {
            inputs: {
                variable
            },
            processData: {
                variable
            },
            outputs: {
                result: list,
                first_record: list.length ? list[0] : null,
                last_record: list.length ? list[list.length - 1] : null
            }
        };
    }
};

//# sourceMappingURL=list-operator.node.js.map