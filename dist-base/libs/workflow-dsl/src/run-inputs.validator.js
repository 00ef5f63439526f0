// Checks a run's inputs against the start node's form, the way Dify's input form does.
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
    get DEFAULT_RUN_INPUT_LIMITS () {
        return DEFAULT_RUN_INPUT_LIMITS;
    },
    get validateRunInputs () {
        return validateRunInputs;
    },
    get validateStartNodeInputs () {
        return validateStartNodeInputs;
    }
});
const _validationissue = require("./validation-issue");
const _workflowgraphtypes = require("./workflow-graph.types");
const DEFAULT_RUN_INPUT_LIMITS = Object.freeze({
    maxInputBytes: 200 * 1024,
    maxTotalInputBytes: 1024 * 1024,
    maxNumberLength: 64
});
function validateRunInputs(graph, inputs, limits = {}) {
    const start = graph.nodes.find((n)=>(0, _workflowgraphtypes.isNodeOfType)(n, 'start'));
    return validateStartNodeInputs(start?.data.variables ?? [], inputs, limits);
}
function validateStartNodeInputs(variables, inputs, limits = {}) {
    if (inputs !== undefined && inputs !== null && (typeof inputs !== 'object' || Array.isArray(inputs))) {
        return {
            ok: false,
            issues: [
                {
                    path: 'inputs',
                    code: 'invalid_type',
                    message: `inputs must be an object (got ${(0, _validationissue.describeValue)(inputs)})`
                }
            ]
        };
    }
    const maxInputBytes = limits.maxInputBytes ?? DEFAULT_RUN_INPUT_LIMITS.maxInputBytes;
    const maxTotalInputBytes = limits.maxTotalInputBytes ?? DEFAULT_RUN_INPUT_LIMITS.maxTotalInputBytes;
    const maxNumberLength = limits.maxNumberLength ?? DEFAULT_RUN_INPUT_LIMITS.maxNumberLength;
    const given = inputs ?? {};
    const out = {};
    const issues = [];
    let totalBytes = 0;
    for (const variable of variables){
        const path = (0, _validationissue.formatPath)([
            'inputs',
            variable.variable
        ]);
        const fail = (code, detail)=>issues.push({
                path,
                code,
                message: `${path} ${detail}`
            });
        let value = Object.hasOwn(given, variable.variable) ? given[variable.variable] : undefined;
        if (value === undefined || value === null || value === '') {
            if (variable.default !== undefined) value = variable.default;
            else if (variable.required) {
                fail('required', `is required (${variable.label})`);
                continue;
            } else {
                out[variable.variable] = null;
                continue;
            }
        }
        if (variable.type === 'number') {
            if (typeof value === 'string' && value.length > maxNumberLength) {
                fail('too_big', `must be a number of at most ${maxNumberLength} characters (got ${value.length})`);
                continue;
            }
            const n = toNumber(value);
            if (n === null) fail('invalid_type', `must be a number (got ${(0, _validationissue.describeValue)(value)})`);
            else out[variable.variable] = n;
            continue;
        }
        if (variable.type === 'checkbox') {
            if (typeof value === 'boolean') out[variable.variable] = value;
            else fail('invalid_type', `must be a boolean (got ${(0, _validationissue.describeValue)(value)})`);
            continue;
        }
        if (variable.type === 'json_object') {
            if (typeof value !== 'object' || Array.isArray(value)) {
                fail('invalid_type', `must be a JSON object (got ${(0, _validationissue.describeValue)(value)})`);
                continue;
            }
            const objectBytes = utf8Length(JSON.stringify(value));
            if (objectBytes > maxInputBytes) {
                fail('too_big', `must be at most ${maxInputBytes} bytes (got ${objectBytes})`);
                continue;
            }
            totalBytes += objectBytes;
            out[variable.variable] = value;
            continue;
        }
        if (typeof value !== 'string') {
            fail('invalid_type', `must be a string (got ${(0, _validationissue.describeValue)(value)})`);
            continue;
        }
        if (variable.type === 'select' && !(variable.options ?? []).includes(value)) {
            fail('invalid_value', `must be one of ${(0, _validationissue.quoteList)(variable.options ?? [])} (got ${(0, _validationissue.describeValue)(value)})`);
            continue;
        }
        // Code points, as Dify counts; `.length` (UTF-16 units) is an upper bound that spares the count for most inputs.
        if (variable.max_length !== undefined && value.length > variable.max_length) {
            const length = countCodePoints(value);
            if (length > variable.max_length) {
                fail('too_big', `must be at most ${variable.max_length} characters (got ${length})`);
                continue;
            }
        }
        // A UTF-16 unit is at most 3 UTF-8 bytes, so short strings skip the count.
        const bytes = value.length * 3 <= maxInputBytes ? value.length : utf8Length(value);
        if (bytes > maxInputBytes) {
            fail('too_big', `must be at most ${maxInputBytes} bytes (got ${bytes})`);
            continue;
        }
        totalBytes += bytes;
        out[variable.variable] = value;
    }
    if (issues.length === 0 && totalBytes > maxTotalInputBytes) {
        issues.push({
            path: 'inputs',
            code: 'too_big',
            message: `inputs must be at most ${maxTotalInputBytes} bytes together (got at least ${totalBytes})`
        });
    }
    return issues.length > 0 ? {
        ok: false,
        issues
    } : {
        ok: true,
        inputs: out
    };
}
// Plain decimals only: Number() would also take '0x1f' and 'Infinity'. Every part is unambiguous
// (digits, then an optional dot and digits), so a failed match costs one pass, not a backtracking search.
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
function toNumber(value) {
    if (typeof value === 'number') return Number.isFinite(value) ? value : null;
    if (typeof value !== 'string') return null;
    const text = value.trim();
    if (!DECIMAL.test(text)) return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
}
function countCodePoints(text) {
    let count = 0;
    for(let i = 0; i < text.length; i++){
        const c = text.charCodeAt(i);
        // A high surrogate followed by a low one is one character.
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
            const d = text.charCodeAt(i + 1);
            if (d >= 0xdc00 && d <= 0xdfff) i++;
        }
        count++;
    }
    return count;
}
function utf8Length(text) {
    let bytes = 0;
    for(let i = 0; i < text.length; i++){
        const c = text.charCodeAt(i);
        if (c < 0x80) bytes += 1;
        else if (c < 0x800) bytes += 2;
        else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
            const d = text.charCodeAt(i + 1);
            if (d >= 0xdc00 && d <= 0xdfff) {
                bytes += 4;
                i++;
            } else bytes += 3;
        } else bytes += 3;
    }
    return bytes;
}

//# sourceMappingURL=run-inputs.validator.js.map