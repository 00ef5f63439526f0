// The mock provider's deterministic "model": what it answers and how it counts tokens.
// Exported so tests compute the expected answer and usage instead of hard-coding them.
/** A chat message as the OpenAI API takes it; the `openai` SDK's message params fit this shape. */ "use strict";
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
    get MOCK_ANSWER_PREFIX () {
        return MOCK_ANSWER_PREFIX;
    },
    get mockAnswer () {
        return mockAnswer;
    },
    get mockLastUserMessage () {
        return mockLastUserMessage;
    },
    get mockMessageText () {
        return mockMessageText;
    },
    get mockTokenCount () {
        return mockTokenCount;
    },
    get mockUsageFor () {
        return mockUsageFor;
    },
    get mockWordPieces () {
        return mockWordPieces;
    }
});
const MOCK_ANSWER_PREFIX = 'Mock answer: ';
function mockAnswer(lastUserMessage) {
    return MOCK_ANSWER_PREFIX + lastUserMessage;
}
function mockTokenCount(text) {
    return text.match(/\S+/g)?.length ?? 0;
}
function mockMessageText(message) {
    const { content } = message;
    if (typeof content === 'string') return content;
    if (!content) return '';
    return content.filter((part)=>part.type === 'text' && typeof part.text === 'string').map((part)=>part.text).join('\n');
}
function mockLastUserMessage(messages) {
    for(let i = messages.length - 1; i >= 0; i--){
        if (messages[i].role === 'user') return mockMessageText(messages[i]);
    }
    return '';
}
function mockWordPieces(text) {
    const pieces = text.match(/\s*\S+/g)?.slice() ?? [];
    const rest = text.slice(pieces.join('').length);
    if (rest) {
        if (pieces.length) pieces[pieces.length - 1] += rest;
        else pieces.push(rest);
    }
    return pieces;
}
function mockUsageFor(messages, maxTokens) {
    const prompt = messages.reduce((sum, m)=>sum + mockTokenCount(mockMessageText(m)), 0);
    const full = mockAnswer(mockLastUserMessage(messages));
    const fullTokens = mockTokenCount(full);
    const truncated = maxTokens !== undefined && maxTokens < fullTokens;
    const answer = truncated ? mockWordPieces(full).slice(0, Math.max(0, maxTokens)).join('') : full;
    const completion = truncated ? Math.max(0, maxTokens) : fullTokens;
    return {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        answer,
        finish_reason: truncated ? 'length' : 'stop'
    };
}

//# sourceMappingURL=mock-answer.js.map