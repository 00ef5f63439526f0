// assigner (v1 and v2): updates conversation variables. The new values are the node's outputs
// (`updated_variables`), so a resumed run re-applies them from the checkpoint (restore).
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
    get AssignerError () {
        return AssignerError;
    },
    get CONVERSATION () {
        return CONVERSATION;
    },
    get assignerNodeExecutor () {
        return assignerNodeExecutor;
    }
});
let AssignerError = class AssignerError extends Error {
    constructor(message){
        super(message);
        this.name = 'AssignerError';
    }
};
const CONVERSATION = 'conversation';
function kindOf(value) {
    if (Array.isArray(value)) return 'array';
    if (value === null || value === undefined) return null;
    const t = typeof value;
    return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' ? t : null;
}
const ZERO = {
    string: ()=>'',
    number: ()=>0,
    boolean: ()=>false,
    object: ()=>({}),
    array: ()=>[]
};
/** Which operations each kind of variable supports (Dify's is_operation_supported). */ function supported(kind, op) {
    switch(op){
        case 'over-write':
        case 'clear':
            return true;
        case 'set':
            return kind !== 'array';
        case '+=':
        case '-=':
        case '*=':
        case '/=':
            return kind === 'number';
        default:
            return kind === 'array';
    }
}
function apply(current, kind, item, input) {
    const op = item.operation;
    const number = (v)=>{
        if (typeof v !== 'number' || op === '/=' && v === 0) throw new AssignerError(`Invalid input value ${JSON.stringify(v)}`);
        return v;
    };
    switch(op){
        case 'clear':
            return ZERO[kind]();
        case 'over-write':
        case 'set':
            if (kind === 'object' && typeof input === 'string') {
                try {
                    return JSON.parse(input);
                } catch  {
                    throw new AssignerError(`Invalid input value ${JSON.stringify(input)}`);
                }
            }
            if (kind === 'number') return number(input);
            if (kind === 'array' ? !Array.isArray(input) : kindOf(input) !== kind) throw new AssignerError(`Invalid input value ${JSON.stringify(input)}`);
            return input;
        case '+=':
            return current + number(input);
        case '-=':
            return current - number(input);
        case '*=':
            return current * number(input);
        case '/=':
            return current / number(input);
        case 'append':
            return [
                ...current,
                input
            ];
        case 'extend':
            if (!Array.isArray(input)) throw new AssignerError(`Invalid input value ${JSON.stringify(input)}`);
            return [
                ...current,
                ...input
            ];
        case 'remove-first':
            return current.slice(1);
        case 'remove-last':
            return current.slice(0, -1);
    }
}
function writeConversation(pool, updates) {
    const current = pool.get([
        CONVERSATION
    ]) ?? {};
    const next = Object.assign(Object.create(null), current);
    for (const { name, value } of updates)next[name] = value;
    // A new object: values already handed out (events, other nodes' inputs) are never mutated.
    pool.set(CONVERSATION, next);
}
const assignerNodeExecutor = {
    callsLlm: false,
    execute (node, ctx) {
        // Items see each other's writes (Dify's working copy), and the pool changes only if all succeed.
        const working = new Map();
        const read = (name)=>working.has(name) ? working.get(name) : ctx.pool.get([
                CONVERSATION,
                name
            ]);
        for (const item of node.data.items){
            const name = item.variable_selector[1];
            const current = read(name);
            if (current === undefined) throw new AssignerError(`Variable ${JSON.stringify(item.variable_selector)} not found`);
            const kind = kindOf(current);
            if (kind === null) throw new AssignerError(`Variable ${JSON.stringify(item.variable_selector)} has no value to infer its type from`);
            if (!supported(kind, item.operation)) throw new AssignerError(`Operation ${item.operation} is not supported for type ${kind}`);
            let input = item.value;
            if (item.input_type === 'variable' && Array.isArray(item.value)) {
                input = ctx.pool.get(item.value);
                if (input === undefined) throw new AssignerError(`Variable ${JSON.stringify(item.value)} not found`);
                // Dify skips an update whose source variable holds nothing.
                if (input === null) continue;
            }
            working.set(name, apply(current, kind, item, input));
        }
        const updated = [
            ...working
        ].map(([name, value])=>({
                name,
                selector: [
                    CONVERSATION,
                    name
                ],
                value
            }));
        writeConversation(ctx.pool, updated);
        return {
            inputs: {
                items: node.data.items
            },
            outputs: {
                updated_variables: updated
            },
            processData: {
                updated_variables: updated
            }
        };
    },
    restore (_node, outputs, pool) {
        const updated = outputs.updated_variables;
        if (Array.isArray(updated)) writeConversation(pool, updated);
    }
};

//# sourceMappingURL=assigner.node.js.map