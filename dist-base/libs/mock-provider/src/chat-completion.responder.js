// Writes the mock's chat completion, as one JSON body or as an SSE stream, applying the
// streaming faults (stall, inter-chunk delay, cut, malformed chunk).
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
    get SYSTEM_FINGERPRINT () {
        return SYSTEM_FINGERPRINT;
    },
    get sendCompletion () {
        return sendCompletion;
    },
    get streamCompletion () {
        return streamCompletion;
    }
});
const _httpio = require("./http-io");
const _mockanswer = require("./mock-answer");
const SYSTEM_FINGERPRINT = 'shoal-mock';
function usageOf(u) {
    return {
        prompt_tokens: u.prompt_tokens,
        completion_tokens: u.completion_tokens,
        total_tokens: u.total_tokens,
        prompt_tokens_details: {
            cached_tokens: 0
        }
    };
}
function sendCompletion(res, c) {
    (0, _httpio.sendJson)(res, 200, {
        id: c.id,
        object: 'chat.completion',
        created: c.created,
        model: c.model,
        system_fingerprint: SYSTEM_FINGERPRINT,
        choices: [
            {
                index: 0,
                message: {
                    role: 'assistant',
                    content: c.usage.answer
                },
                finish_reason: c.usage.finish_reason,
                logprobs: null
            }
        ],
        usage: usageOf(c.usage)
    }, c.headers);
}
async function streamCompletion(res, c, fault, signal) {
    const chunk = (choices, usage)=>({
            id: c.id,
            object: 'chat.completion.chunk',
            created: c.created,
            model: c.model,
            system_fingerprint: SYSTEM_FINGERPRINT,
            choices,
            // OpenAI sends `usage: null` on every chunk but the last when usage was asked for.
            ...c.includeUsage ? {
                usage: usage ?? null
            } : {}
        });
    const delta = (d, finish = null)=>chunk([
            {
                index: 0,
                delta: d,
                logprobs: null,
                finish_reason: finish
            }
        ]);
    const malformed = `data: {"id":"${c.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n`;
    let first = true;
    const send = async (data)=>{
        if (!await (0, _httpio.pause)(first ? fault.stallBeforeFirstTokenMs : fault.interChunkDelayMs, signal)) return false;
        first = false;
        await (0, _httpio.write)(res, data);
        return !res.destroyed;
    };
    const event = (body)=>send(`data: ${JSON.stringify(body)}\n\n`);
    res.writeHead(200, {
        ...c.headers,
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive'
    });
    res.flushHeaders();
    if (!await event(delta({
        role: 'assistant',
        content: ''
    }))) return;
    const pieces = (0, _mockanswer.mockWordPieces)(c.usage.answer);
    for(let n = 1; n <= pieces.length; n++){
        if (fault.cutAfterChunks !== undefined && n > fault.cutAfterChunks) return void res.destroy();
        const ok = fault.malformedChunkAt === n ? await send(malformed) : await event(delta({
            content: pieces[n - 1]
        }));
        if (!ok) return;
    }
    // Faults aimed past the last word still fire, before the stream could complete normally.
    if (fault.cutAfterChunks !== undefined) return void res.destroy();
    if (fault.malformedChunkAt !== undefined && fault.malformedChunkAt > pieces.length && !await send(malformed)) return;
    if (!await event(delta({}, c.usage.finish_reason))) return;
    if (c.includeUsage && !await event(chunk([], usageOf(c.usage)))) return;
    if (!await send('data: [DONE]\n\n')) return;
    res.end();
}

//# sourceMappingURL=chat-completion.responder.js.map