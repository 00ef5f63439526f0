// llm: renders the prompt from the pool, calls the LLM port, outputs text and usage.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "llmNodeExecutor", {
    enumerable: true,
    get: function() {
        return llmNodeExecutor;
    }
});
const _workflowdsl = require("../../../workflow-dsl/src");
/** Where Dify puts the node's context in a prompt. */ const CONTEXT_MARK = '{{#context#}}';
// Graph versions are immutable and reused across runs, so each prompt is compiled once per loaded graph.
const compiled = new WeakMap();
function compile(data) {
    let prompt = compiled.get(data);
    if (prompt) return prompt;
    const context = (0, _workflowdsl.llmContextSelector)(data);
    const messages = data.prompt_template.map((m)=>({
            role: m.role,
            parts: (context ? m.text.split(CONTEXT_MARK) : [
                m.text
            ]).map(_workflowdsl.compileTemplate)
        }));
    const references = new Map();
    for (const m of messages)for (const part of m.parts)for (const ref of part.references)references.set(`#${ref.selector.join('.')}#`, ref.selector);
    prompt = {
        messages,
        context,
        references: [
            ...references
        ].map(([key, selector])=>({
                key,
                selector
            }))
    };
    compiled.set(data, prompt);
    return prompt;
}
const llmNodeExecutor = {
    callsLlm: true,
    async execute (node, ctx) {
        const { data } = node;
        const prompt = compile(data);
        const inputs = {};
        for (const { key, selector } of prompt.references)inputs[key] = ctx.pool.get(selector) ?? null;
        const context = prompt.context ? contextText(ctx.pool.get(prompt.context)) : '';
        if (prompt.context) inputs['#context#'] = context;
        const messages = prompt.messages.map((m)=>({
                role: m.role,
                content: m.parts.map((part)=>(0, _workflowdsl.renderCompiledTemplate)(part, ctx.pool.lookup)).join(context)
            }));
        const request = {
            callId: ctx.callId,
            runId: ctx.runId,
            nodeId: node.id,
            model: data.model.name,
            messages,
            params: data.model.completion_params,
            signal: ctx.signal
        };
        if (data.model.provider) request.provider = data.model.provider;
        const emit = ctx.emitTextChunk;
        if (emit) {
            const selector = [
                node.id,
                'text'
            ];
            request.onChunk = (delta)=>emit(delta, selector);
        }
        const result = await ctx.llm.chat(request);
        const { promptTokens, completionTokens, totalTokens } = result.usage;
        return {
            inputs,
            outputs: {
                text: result.text,
                reasoning_content: result.reasoningContent ?? '',
                usage: {
                    prompt_tokens: promptTokens,
                    completion_tokens: completionTokens,
                    total_tokens: totalTokens
                },
                finish_reason: result.finishReason
            },
            processData: {
                model_mode: data.model.mode,
                model_provider: data.model.provider ?? null,
                model_name: data.model.name,
                prompts: messages
            },
            tokens: {
                prompt: promptTokens,
                completion: completionTokens,
                total: totalTokens
            }
        };
    }
};
/**
 * Dify's LLMNode._fetch_context: a string is the context as it is; a list (knowledge retrieval
 * results) gives its strings and its items' `content`, one per line; anything else gives none.
 */ function contextText(value) {
    if (typeof value === 'string') return value;
    if (!Array.isArray(value)) return '';
    const lines = [];
    for (const item of value){
        if (typeof item === 'string') lines.push(item);
        else if (item && typeof item === 'object' && typeof item.content === 'string') lines.push(item.content);
    }
    return lines.join('\n').trim();
}

//# sourceMappingURL=llm.node.js.map