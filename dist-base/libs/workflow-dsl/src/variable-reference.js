// Variable references in text (`{{#node_id.field#}}`), compiled templates and value-to-text rendering.
/** A node id as references can name it; the reference syntax has no escaping, so ids are restricted to this. */ "use strict";
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
    get NODE_ID_PATTERN () {
        return NODE_ID_PATTERN;
    },
    get compileTemplate () {
        return compileTemplate;
    },
    get parseVariableReferences () {
        return parseVariableReferences;
    },
    get renderCompiledTemplate () {
        return renderCompiledTemplate;
    },
    get renderTemplate () {
        return renderTemplate;
    },
    get stringifyValue () {
        return stringifyValue;
    }
});
const NODE_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
// Dify's pattern, widened only to allow '-' in node ids (Shoal's ids may contain it). Every part is
// bounded, so matching costs a bounded amount of work per '{{#' whatever the text around it.
const REFERENCE = /\{\{#([a-zA-Z0-9_-]{1,50}(?:\.[a-zA-Z_][a-zA-Z0-9_]{0,29}){1,10})#\}\}/g;
function parseVariableReferences(text) {
    if (!text.includes('{{#')) return [];
    const refs = [];
    // exec with a local regex rather than matchAll: no iterator or regex clone per call.
    const pattern = new RegExp(REFERENCE);
    for(let match = pattern.exec(text); match !== null; match = pattern.exec(text))refs.push({
        selector: match[1].split('.'),
        raw: match[0]
    });
    return refs;
}
function compileTemplate(text) {
    if (!text.includes('{{#')) return {
        source: text,
        parts: [
            text
        ],
        references: []
    };
    const parts = [];
    const references = [];
    let last = 0;
    for (const match of text.matchAll(REFERENCE)){
        const selector = match[1].split('.');
        if (match.index > last) parts.push(text.slice(last, match.index));
        parts.push(selector);
        references.push({
            selector,
            raw: match[0]
        });
        last = match.index + match[0].length;
    }
    if (last < text.length) parts.push(text.slice(last));
    return {
        source: text,
        parts,
        references
    };
}
function renderCompiledTemplate(template, lookup) {
    const { parts } = template;
    if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
    let out = '';
    for (const part of parts){
        if (typeof part === 'string') out += part;
        else {
            const value = lookup(part);
            // As Dify renders a reference it cannot resolve: the selector text without the braces.
            out += value === undefined ? part.join('.') : stringifyValue(value);
        }
    }
    return out;
}
function renderTemplate(text, lookup) {
    return renderCompiledTemplate(compileTemplate(text), lookup);
}
function stringifyValue(value) {
    switch(typeof value){
        case 'string':
            return value;
        case 'undefined':
            return '';
        case 'number':
        case 'boolean':
        case 'bigint':
            return String(value);
        case 'object':
            if (value === null) return '';
            try {
                return JSON.stringify(value);
            } catch  {
                // Circular structures cannot come from JSON outputs; fall back rather than fail a render.
                return String(value);
            }
        default:
            return '';
    }
}

//# sourceMappingURL=variable-reference.js.map