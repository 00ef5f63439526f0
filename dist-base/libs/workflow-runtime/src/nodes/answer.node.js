// answer: renders its template; the rendered text is the node's `answer` and is streamed as text_chunk.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "answerNodeExecutor", {
    enumerable: true,
    get: function() {
        return answerNodeExecutor;
    }
});
const _workflowdsl = require("../../../workflow-dsl/src");
const compiled = new WeakMap();
const answerNodeExecutor = {
    callsLlm: false,
    execute (node, ctx) {
        let template = compiled.get(node.data);
        if (!template) {
            template = (0, _workflowdsl.compileTemplate)(node.data.answer);
            compiled.set(node.data, template);
        }
        const answer = (0, _workflowdsl.renderCompiledTemplate)(template, ctx.pool.lookup);
        // The whole answer as one chunk once it is known (token-level streaming through the answer is not done yet).
        if (ctx.emitTextChunk && answer !== '') ctx.emitTextChunk(answer, [
            node.id,
            'answer'
        ]);
        return {
            inputs: null,
            outputs: {
                answer,
                files: []
            }
        };
    }
};

//# sourceMappingURL=answer.node.js.map