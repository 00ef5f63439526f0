// Jinja2 templates through nunjucks, sandboxed: data only (no prototypes, no functions, no files), and
// bounded in work and output size, since rendering is synchronous and cannot be interrupted.
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
    get DEFAULT_JINJA2_LIMITS () {
        return DEFAULT_JINJA2_LIMITS;
    },
    get TemplateRenderError () {
        return TemplateRenderError;
    },
    get renderJinja2 () {
        return renderJinja2;
    }
});
const _interop_require_wildcard = require("@swc/helpers/_/_interop_require_wildcard");
const _nunjucks = /*#__PURE__*/ _interop_require_wildcard._(require("nunjucks"));
const DEFAULT_JINJA2_LIMITS = Object.freeze({
    maxOutputLength: 400_000,
    maxOperations: 1_000_000,
    maxRange: 100_000
});
let TemplateRenderError = class TemplateRenderError extends Error {
    constructor(message){
        super(message);
        this.name = 'TemplateRenderError';
    }
};
const runtime = _nunjucks.runtime;
/** The budget of the render in progress; rendering is synchronous, so one at a time per process. */ let budget = null;
function spend(output) {
    if (!budget) return;
    budget.operations++;
    budget.output += output;
    if (budget.operations > budget.limits.maxOperations) throw new TemplateRenderError(`template exceeds ${budget.limits.maxOperations} operations`);
    if (budget.output > budget.limits.maxOutputLength) throw new TemplateRenderError(`Output length exceeds ${budget.limits.maxOutputLength} characters`);
}
const INDEX = /^(?:0|[1-9]\d{0,9})$/;
// Templates reach data only: own properties of objects, items and length of arrays and strings. No
// functions, so `''.constructor.constructor('…')()` and every other escape through prototypes reads nothing.
function safeMemberLookup(obj, key) {
    if (obj === null || obj === undefined) return undefined;
    const name = typeof key === 'number' ? String(key) : key;
    if (typeof name !== 'string') return undefined;
    if (typeof obj === 'string' || Array.isArray(obj)) {
        if (name === 'length') return obj.length;
        return INDEX.test(name) ? obj[Number(name)] : undefined;
    }
    if (typeof obj !== 'object' || !Object.hasOwn(obj, name)) return undefined;
    const value = obj[name];
    return typeof value === 'function' ? undefined : value;
}
let installed = false;
function install() {
    if (installed) return;
    installed = true;
    runtime.memberLookup = safeMemberLookup;
    // Top-level names: the template's variables and the globals, never what their objects inherit.
    runtime.contextOrFrameLookup = (context, frame, name)=>{
        const value = frame.lookup(name);
        if (value !== undefined) return value;
        if (Object.hasOwn(context.ctx, name)) return context.ctx[name];
        return Object.hasOwn(context.env.globals, name) ? context.env.globals[name] : undefined;
    };
    const suppress = runtime.suppressValue;
    runtime.suppressValue = (value, autoescape)=>{
        const out = suppress(value, autoescape);
        spend(typeof out === 'string' ? out.length : String(out).length);
        return out;
    };
    const set = runtime.Frame.prototype.set;
    runtime.Frame.prototype.set = function(name, value, resolveUp) {
        spend(0);
        set.call(this, name, value, resolveUp);
    };
}
function makeEnvironment(limits) {
    // No loader: include, import and extends have nothing to read.
    const env = new _nunjucks.Environment([], {
        autoescape: false,
        throwOnUndefined: false
    });
    env.addGlobal('range', (start, stop, step = 1)=>{
        const [from, to] = stop === undefined ? [
            0,
            start
        ] : [
            start,
            stop
        ];
        const count = step === 0 ? Infinity : Math.max(0, Math.ceil((to - from) / step));
        if (!Number.isFinite(count) || count > limits.maxRange) throw new TemplateRenderError(`range() may produce at most ${limits.maxRange} items`);
        return Array.from({
            length: count
        }, (_, i)=>from + i * step);
    });
    return env;
}
const compiled = new Map();
const environments = new WeakMap();
const defaultEnvironment = makeEnvironment(DEFAULT_JINJA2_LIMITS);
/** Plain JSON data with null prototypes all the way down, so nothing inherited is reachable by name. */ function toData(value, depth = 0) {
    if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
    if (depth > 64) return null;
    if (Array.isArray(value)) return value.map((v)=>toData(v, depth + 1));
    const out = Object.create(null);
    for (const key of Object.keys(value))out[key] = toData(value[key], depth + 1);
    return out;
}
function renderJinja2(source, variables, limits = DEFAULT_JINJA2_LIMITS) {
    install();
    let env = limits === DEFAULT_JINJA2_LIMITS ? defaultEnvironment : environments.get(limits);
    if (!env) {
        env = makeEnvironment(limits);
        environments.set(limits, env);
    }
    const key = limits === DEFAULT_JINJA2_LIMITS ? source : null;
    let template = key === null ? undefined : compiled.get(key);
    budget = {
        operations: 0,
        output: 0,
        limits
    };
    try {
        if (!template) {
            template = new _nunjucks.Template(source, env, undefined, true);
            // Compiled templates are reused across runs of a graph; the cache is bounded to stay small.
            if (key !== null && compiled.size < 1000) compiled.set(key, template);
        }
        const out = template.render(toData(variables));
        if (out.length > limits.maxOutputLength) throw new TemplateRenderError(`Output length exceeds ${limits.maxOutputLength} characters`);
        return out;
    } catch (error) {
        if (error instanceof TemplateRenderError) throw error;
        const cause = error.cause;
        if (cause instanceof TemplateRenderError) throw cause;
        throw new TemplateRenderError(readableMessage(error instanceof Error ? error.message : String(error)));
    } finally{
        budget = null;
    }
}
/** nunjucks writes "(unknown path) [Line 1, Column 3]\n  Error: filter not found: x"; keep the reason and the place. */ function readableMessage(message) {
    const match = /^\(unknown path\)(?: \[Line (\d+), Column (\d+)\])?\s*(?:\w*Error: )?([\s\S]*)$/.exec(message);
    if (!match) return message;
    const [, line, column, reason] = match;
    return line ? `${reason.trim()} (line ${line}, column ${column})` : reason.trim();
}

//# sourceMappingURL=jinja2.renderer.js.map