// The config file's schema, and the wording of its errors.
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
    get isHttpUrl () {
        return isHttpUrl;
    },
    get parseConfigFile () {
        return parseConfigFile;
    }
});
const _zod = require("zod");
const _deployment = require("./deployment");
function isHttpUrl(value) {
    try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
    } catch  {
        return false;
    }
}
const modelName = _zod.z.string().regex(/^\S+$/, 'must be a non-empty model name without spaces');
const httpUrl = _zod.z.string().refine(isHttpUrl, 'must be a URL');
const positiveInt = _zod.z.number().int().min(1);
const decimal = _zod.z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal string such as "0.27"');
const deploymentSchema = _zod.z.strictObject({
    id: _zod.z.string().regex(/^dep_[A-Za-z0-9._-]+$/, 'must be "dep_" followed by letters, digits, ".", "_" or "-"'),
    model: modelName,
    provider: _zod.z.enum(_deployment.PROVIDER_KINDS),
    baseUrl: httpUrl,
    apiKey: _zod.z.string().min(1).optional(),
    apiKeyEnv: _zod.z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
    upstreamModel: _zod.z.string().min(1).optional(),
    weight: _zod.z.number().int().min(0).default(1),
    rpm: positiveInt.optional(),
    tpm: positiveInt.optional(),
    timeoutMs: positiveInt.optional(),
    priceOverride: _zod.z.strictObject({
        inputPerMillion: decimal,
        outputPerMillion: decimal,
        cachedInputPerMillion: decimal.optional(),
        currency: _zod.z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter currency code such as "USD"')
    }).optional(),
    fallbacks: _zod.z.array(modelName).optional()
});
const fileSchema = _zod.z.strictObject({
    $schema: _zod.z.string().optional(),
    deployments: _zod.z.array(deploymentSchema)
});
function formatPath(path) {
    let out = '';
    for (const part of path){
        if (typeof part === 'number') out += `[${part}]`;
        else out += out ? `.${String(part)}` : String(part);
    }
    return out || '(root)';
}
function article(noun) {
    return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}
// Our own wording for zod's issues: short, and never echoing the input (it may be a key).
const errorMap = (iss)=>{
    switch(iss.code){
        case 'invalid_type':
            if (iss.input === undefined) return 'is required';
            return `must be ${article(iss.expected === 'int' ? 'integer' : iss.expected)}`;
        case 'too_small':
            if (iss.origin === 'string') return 'must not be empty';
            if (iss.origin === 'array') return `must have at least ${String(iss.minimum)} item(s)`;
            return `must be ${iss.inclusive ? '≥' : '>'} ${String(iss.minimum)}`;
        case 'too_big':
            return `must be ${iss.inclusive ? '≤' : '<'} ${String(iss.maximum)}`;
        case 'invalid_value':
            return `must be one of ${iss.values.map((v)=>JSON.stringify(v)).join(', ')}`;
        case 'unrecognized_keys':
            return `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k)=>`"${k}"`).join(', ')}`;
        default:
            return 'is invalid';
    }
};
function parseConfigFile(file) {
    const parsed = fileSchema.safeParse(file, {
        error: errorMap
    });
    if (parsed.success) return {
        entries: parsed.data.deployments
    };
    return {
        issues: parsed.error.issues.map((i)=>({
                path: formatPath(i.path),
                message: i.message
            }))
    };
}

//# sourceMappingURL=deployment-config.schema.js.map