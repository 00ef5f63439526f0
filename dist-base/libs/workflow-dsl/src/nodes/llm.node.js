// The LLM node: renders a prompt from variables and asks a model.
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
    get LLM_OUTPUT_FIELDS () {
        return LLM_OUTPUT_FIELDS;
    },
    get llmContextSelector () {
        return llmContextSelector;
    },
    get llmNodeDefinition () {
        return llmNodeDefinition;
    }
});
const _zod = require("zod");
const _variablereference = require("../variable-reference");
const _nodedefinition = require("./node-definition");
function llmContextSelector(data) {
    const c = data.context;
    if (!c || c.enabled !== true || !Array.isArray(c.variable_selector) || c.variable_selector.length < 2) return null;
    return c.variable_selector;
}
const LLM_OUTPUT_FIELDS = [
    'text',
    'reasoning_content',
    'usage',
    'finish_reason'
];
// the ranges providers accept (OpenAI, DeepSeek), so a bad value fails at save time, not mid-run
const between = (min, max)=>_zod.z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`).nullish();
const completionParamsSchema = _zod.z.looseObject({
    temperature: between(0, 2),
    top_p: between(0, 1),
    max_tokens: _zod.z.number().int().positive().nullish(),
    presence_penalty: between(-2, 2),
    frequency_penalty: between(-2, 2),
    n: _zod.z.number().int().min(1, 'must be 1').max(1, 'must be 1: an LLM node uses one choice').nullish(),
    stop: _zod.z.array(_zod.z.string()).nullish()
});
const messageSchema = _zod.z.looseObject({
    role: _zod.z.enum([
        'system',
        'user',
        'assistant'
    ]),
    text: _zod.z.string(),
    edition_type: _zod.z.string().nullish()
});
const completionPromptSchema = _zod.z.looseObject({
    text: _zod.z.string(),
    edition_type: _zod.z.string().nullish()
});
const schema = _zod.z.looseObject({
    ..._nodedefinition.baseDataShape,
    type: _zod.z.literal('llm'),
    model: _zod.z.looseObject({
        provider: _zod.z.string().nullish(),
        name: _zod.z.string().min(1),
        mode: _zod.z.enum([
            'chat',
            'completion'
        ]).nullish(),
        completion_params: completionParamsSchema.nullish()
    }),
    prompt_template: _zod.z.union([
        _zod.z.array(messageSchema).min(1),
        completionPromptSchema
    ]),
    context: _zod.z.looseObject({
        enabled: _zod.z.boolean().nullish(),
        variable_selector: _zod.z.array(_zod.z.string()).nullish()
    }).nullish()
});
function normalizeParams(p) {
    const out = {};
    if (!p) return out;
    if (p.temperature != null) out.temperature = p.temperature;
    if (p.top_p != null) out.top_p = p.top_p;
    if (p.max_tokens != null) out.max_tokens = p.max_tokens;
    if (p.presence_penalty != null) out.presence_penalty = p.presence_penalty;
    if (p.frequency_penalty != null) out.frequency_penalty = p.frequency_penalty;
    if (p.stop != null && p.stop.length > 0) out.stop = p.stop;
    return out;
}
function templateTexts(parsed) {
    const t = parsed.prompt_template;
    if (Array.isArray(t)) return t.map((m, i)=>({
            path: [
                'prompt_template',
                i,
                'text'
            ],
            text: m.text,
            editionType: m.edition_type
        }));
    return [
        {
            path: [
                'prompt_template',
                'text'
            ],
            text: t.text,
            editionType: t.edition_type
        }
    ];
}
function check(parsed) {
    // Jinja2 prompts would render as literal template source, which is worse than refusing them.
    return templateTexts(parsed).filter((t)=>t.editionType != null && t.editionType !== 'basic').map((t)=>({
            path: [
                ...t.path.slice(0, -1),
                'edition_type'
            ],
            code: 'unsupported',
            detail: `'${String(t.editionType)}' is not supported yet; only 'basic' ({{#node.field#}}) prompts are`
        }));
}
const llmNodeDefinition = {
    type: 'llm',
    schema,
    normalize: (parsed, nodeId)=>{
        const m = parsed.model;
        const model = {
            name: m.name,
            mode: m.mode ?? 'chat',
            completion_params: normalizeParams(m.completion_params)
        };
        if (m.provider) model.provider = m.provider;
        const t = parsed.prompt_template;
        const prompt_template = Array.isArray(t) ? t.map((msg)=>({
                role: msg.role,
                text: msg.text
            })) : [
            {
                role: 'user',
                text: t.text
            }
        ];
        return (0, _nodedefinition.normalizeData)(parsed, 'llm', nodeId, {
            model,
            prompt_template
        });
    },
    check,
    references: (parsed)=>{
        const refs = [];
        for (const { path, text } of templateTexts(parsed)){
            for (const ref of (0, _variablereference.parseVariableReferences)(text))refs.push({
                path,
                selector: ref.selector,
                raw: ref.raw
            });
        }
        const context = llmContextSelector(parsed);
        if (context) refs.push({
            path: [
                'context',
                'variable_selector'
            ],
            selector: context
        });
        return refs;
    },
    outputFields: ()=>LLM_OUTPUT_FIELDS
};

//# sourceMappingURL=llm.node.js.map