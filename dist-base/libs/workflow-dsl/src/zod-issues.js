// Translates zod issues into ValidationIssue fragments: our codes, our phrasing, paths kept as segments.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "translateZodIssues", {
    enumerable: true,
    get: function() {
        return translateZodIssues;
    }
});
const _validationissue = require("./validation-issue");
const ARTICLE = {
    array: 'an array',
    object: 'an object',
    int: 'an integer',
    integer: 'an integer'
};
function expectedPhrase(expected) {
    return ARTICLE[expected] ?? `a ${expected}`;
}
function sizePhrase(origin, bound, limit) {
    if (origin === 'array') return `have ${bound} ${String(limit)} item${limit === 1 ? '' : 's'}`;
    if (origin === 'string') return `be ${bound} ${String(limit)} characters`;
    return `be ${bound} ${String(limit)}`;
}
function sizeOf(origin, input) {
    if (origin === 'array' && Array.isArray(input)) return `${input.length}`;
    if (origin === 'string' && typeof input === 'string') return `${input.length}`;
    return (0, _validationissue.describeValue)(input);
}
function segments(path) {
    return path.map((p)=>typeof p === 'number' ? p : String(p));
}
function translateZodIssues(issues, prefix = []) {
    const out = [];
    for (const issue of issues)translateOne(issue, prefix, out);
    return out;
}
function translateOne(issue, prefix, out) {
    const path = [
        ...prefix,
        ...segments(issue.path)
    ];
    switch(issue.code){
        case 'invalid_type':
            if (issue.input === undefined) out.push({
                path,
                code: 'required',
                detail: 'is required'
            });
            else out.push({
                path,
                code: 'invalid_type',
                detail: `must be ${expectedPhrase(issue.expected)} (got ${(0, _validationissue.describeValue)(issue.input)})`
            });
            return;
        case 'invalid_value':
            out.push({
                path,
                code: 'invalid_value',
                detail: `must be one of ${(0, _validationissue.quoteList)(issue.values)} (got ${(0, _validationissue.describeValue)(issue.input)})`
            });
            return;
        case 'too_small':
            if (issue.minimum === 1 && issue.origin === 'string') out.push({
                path,
                code: 'required',
                detail: 'must not be empty'
            });
            else out.push({
                path,
                code: 'too_small',
                detail: `must ${sizePhrase(issue.origin, 'at least', issue.minimum)} (got ${sizeOf(issue.origin, issue.input)})`
            });
            return;
        case 'too_big':
            out.push({
                path,
                code: 'too_big',
                detail: `must ${sizePhrase(issue.origin, 'at most', issue.maximum)} (got ${sizeOf(issue.origin, issue.input)})`
            });
            return;
        case 'invalid_union':
            translateUnion(issue, path, out);
            return;
        case 'invalid_format':
        case 'custom':
            // Our schemas phrase these themselves (regex and refine messages are written as predicates).
            out.push({
                path,
                code: issue.code === 'invalid_format' ? 'invalid_format' : 'invalid_value',
                detail: issue.message
            });
            return;
        default:
            out.push({
                path,
                code: 'invalid_value',
                detail: issue.message
            });
    }
}
/** Reports the errors of the branch whose outer type matched, rather than zod's "Invalid input". */ function translateUnion(issue, path, out) {
    const typeMismatch = (branch)=>branch.some((i)=>i.path.length === 0 && i.code === 'invalid_type');
    const matched = issue.errors.find((branch)=>branch.length > 0 && !typeMismatch(branch));
    if (matched) {
        for (const inner of matched)translateOne(inner, path, out);
        return;
    }
    const expected = issue.errors.map((branch)=>branch.find((i)=>i.path.length === 0 && i.code === 'invalid_type')).map((i)=>i && i.code === 'invalid_type' ? expectedPhrase(i.expected) : null).filter((e)=>e !== null);
    if (issue.input === undefined) out.push({
        path,
        code: 'required',
        detail: 'is required'
    });
    else out.push({
        path,
        code: 'invalid_type',
        detail: `must be ${[
            ...new Set(expected)
        ].join(' or ')} (got ${(0, _validationissue.describeValue)(issue.input)})`
    });
}

//# sourceMappingURL=zod-issues.js.map