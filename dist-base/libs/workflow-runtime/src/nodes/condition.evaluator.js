// Dify's comparison operators with Dify's coercions (graphon's utils/condition/processor.py), on JSON values.
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
    get ConditionError () {
        return ConditionError;
    },
    get evaluateCondition () {
        return evaluateCondition;
    },
    get isFalsy () {
        return isFalsy;
    },
    get toBoolean () {
        return toBoolean;
    }
});
let ConditionError = class ConditionError extends Error {
    constructor(message){
        super(message);
        this.name = 'ConditionError';
    }
};
function isFalsy(value) {
    if (value === null || value === undefined || value === false || value === 0 || value === '') return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === 'object') return Object.keys(value).length === 0;
    return Number.isNaN(value);
}
/** Python's `==` on JSON values: deep for lists and objects. */ function equal(a, b) {
    if (a === b) return true;
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i)=>equal(x, b[i]));
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
        const ka = Object.keys(a);
        const rb = b;
        return ka.length === Object.keys(b).length && ka.every((k)=>Object.hasOwn(rb, k) && equal(a[k], rb[k]));
    }
    return false;
}
function includes(list, item) {
    for (const x of list)if (equal(x, item)) return true;
    return false;
}
function asText(value) {
    return typeof value === 'string' ? value : JSON.stringify(value);
}
const INTEGER = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
function toFloat(expected) {
    if (typeof expected === 'number') return expected;
    if (typeof expected === 'string') {
        const text = expected.trim();
        // Bounded before the (linear) pattern, like every other user string.
        if (text.length <= 400 && FLOAT.test(text)) return Number(text);
        throw new ConditionError(`Cannot convert '${expected}' to number`);
    }
    throw new ConditionError(`Cannot convert ${typeName(expected)} to number`);
}
function typeName(value) {
    if (value === null || value === undefined) return 'null';
    return Array.isArray(value) ? 'array' : typeof value;
}
/** Dify's _normalize_numeric_equality_expected: the expected value in the actual value's type. */ function equalityExpected(value, expected) {
    if (typeof value === 'boolean') {
        if (typeof expected === 'boolean' || typeof expected === 'number' || typeof expected === 'string') return Boolean(expected);
        throw new ConditionError(`Cannot convert ${typeName(expected)} to bool`);
    }
    if (typeof value === 'number') {
        if (Number.isInteger(value)) {
            if (typeof expected === 'number') return Math.trunc(expected);
            if (typeof expected === 'string' && expected.trim().length <= 400 && INTEGER.test(expected.trim())) return Number(expected.trim());
            throw new ConditionError(`Cannot convert ${typeof expected === 'string' ? `'${expected}'` : typeName(expected)} to int`);
        }
        return toFloat(expected);
    }
    throw new ConditionError('Invalid actual value type: number or boolean');
}
function compareNumbers(value, expected, compare) {
    if (value === null || value === undefined) return false;
    if (typeof value !== 'number') throw new ConditionError('Invalid actual value type: number');
    return compare(value, toFloat(expected));
}
function expectString(expected, op) {
    if (typeof expected !== 'string') throw new ConditionError(`Expected value must be a string for ${op}`);
    return expected;
}
function evaluateCondition(operator, value, expected) {
    switch(operator){
        case 'contains':
        case 'not contains':
            {
                const negate = operator === 'not contains';
                if (isFalsy(value)) return negate;
                if (typeof value === 'string') return value.includes(asText(expected)) !== negate;
                if (Array.isArray(value)) return includes(value, expected) !== negate;
                throw new ConditionError('Invalid actual value type: string or array');
            }
        case 'start with':
        case 'end with':
            {
                if (isFalsy(value)) return false;
                if (typeof value !== 'string') throw new ConditionError('Invalid actual value type: string');
                const text = expectString(expected, operator === 'start with' ? 'startswith' : 'endswith');
                return operator === 'start with' ? value.startsWith(text) : value.endsWith(text);
            }
        case 'is':
        case 'is not':
            {
                if (value === null || value === undefined) return false;
                if (typeof value !== 'string' && typeof value !== 'boolean') throw new ConditionError('Invalid actual value type: string or boolean');
                return value === expected !== (operator === 'is not');
            }
        case 'empty':
            return isFalsy(value);
        case 'not empty':
            return !isFalsy(value);
        case '=':
        case '≠':
            {
                if (value === null || value === undefined) return false;
                return value === equalityExpected(value, expected) !== (operator === '≠');
            }
        case '>':
            return compareNumbers(value, expected, (a, b)=>a > b);
        case '<':
            return compareNumbers(value, expected, (a, b)=>a < b);
        case '≥':
            return compareNumbers(value, expected, (a, b)=>a >= b);
        case '≤':
            return compareNumbers(value, expected, (a, b)=>a <= b);
        case 'null':
        case 'not exists':
            return value === null || value === undefined;
        case 'not null':
        case 'exists':
            return value !== null && value !== undefined;
        case 'in':
        case 'not in':
            {
                const negate = operator === 'not in';
                if (isFalsy(value)) return negate;
                if (!Array.isArray(expected)) throw new ConditionError('Invalid expected value type: array');
                return includes(expected, value) !== negate;
            }
        case 'all of':
            {
                const list = Array.isArray(expected) ? expected : null;
                const homogeneous = list !== null && (list.every((x)=>typeof x === 'string') || list.every((x)=>typeof x === 'boolean'));
                if (!homogeneous) throw new ConditionError('all of operator expects homogeneous list of strings or booleans');
                if (isFalsy(value)) return false;
                if (typeof value === 'string') return list.every((x)=>typeof x === 'string' && value.includes(x));
                if (Array.isArray(value)) return list.every((x)=>includes(value, x));
                return false;
            }
        default:
            {
                const unknown = operator;
                throw new ConditionError(`Unsupported operator: ${String(unknown)}`);
            }
    }
}
function toBoolean(expected) {
    if (typeof expected === 'boolean') return expected;
    if (typeof expected === 'number' && Number.isInteger(expected)) return expected !== 0;
    if (typeof expected === 'string') {
        const text = expected.trim();
        if (text === 'true') return true;
        if (text === 'false') return false;
        if (text.length <= 400 && INTEGER.test(text)) return Number(text) !== 0;
    }
    throw new ConditionError(`unexpected value: type=${typeName(expected)}, value=${String(expected)}`);
}

//# sourceMappingURL=condition.evaluator.js.map