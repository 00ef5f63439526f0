// The one shape every validation problem takes, and the helpers that phrase it.
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
    get describeValue () {
        return describeValue;
    },
    get formatPath () {
        return formatPath;
    },
    get quoteList () {
        return quoteList;
    }
});
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
function formatPath(segments) {
    let out = '';
    for (const segment of segments){
        if (typeof segment === 'number') out += `[${segment}]`;
        else if (!IDENTIFIER.test(segment)) out += `[${JSON.stringify(segment)}]`;
        else out += out === '' ? segment : `.${segment}`;
    }
    return out;
}
function describeValue(value) {
    if (value === null) return 'null';
    if (value === undefined) return 'nothing';
    if (Array.isArray(value)) return 'an array';
    if (typeof value === 'string') return value.length > 40 ? `string '${value.slice(0, 37)}...'` : `string '${value}'`;
    if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
    return typeof value === 'object' ? 'an object' : typeof value;
}
function quoteList(values) {
    return values.map((v)=>typeof v === 'string' ? `'${v}'` : String(v)).join(', ');
}

//# sourceMappingURL=validation-issue.js.map