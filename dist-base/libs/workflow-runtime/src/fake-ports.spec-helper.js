// Small fakes of the ports for this lib's specs. Not exported: apps test against their real adapters.
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
    get FakeCheckpoints () {
        return FakeCheckpoints;
    },
    get FakeClock () {
        return FakeClock;
    },
    get FakeEvents () {
        return FakeEvents;
    },
    get FakeLlm () {
        return FakeLlm;
    },
    get deferred () {
        return deferred;
    },
    get fakePorts () {
        return fakePorts;
    },
    get graph () {
        return graph;
    },
    get llmResult () {
        return llmResult;
    },
    get settle () {
        return settle;
    }
});
const _workflowdsl = require("../../workflow-dsl/src");
function deferred() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej)=>{
        resolve = res;
        reject = rej;
    });
    return {
        promise,
        resolve,
        reject
    };
}
async function settle(rounds = 10) {
    for(let i = 0; i < rounds; i++)await new Promise((r)=>setImmediate(r));
}
function graph(input) {
    const result = (0, _workflowdsl.parseWorkflowGraph)(input);
    if (!result.ok) throw new Error(result.issues.map((i)=>i.message).join('\n'));
    return result.graph;
}
function llmResult(text, promptTokens = 10, completionTokens = 5) {
    return {
        text,
        usage: {
            promptTokens,
            completionTokens,
            totalTokens: promptTokens + completionTokens
        },
        model: 'mock-chat',
        finishReason: 'stop'
    };
}
let FakeLlm = class FakeLlm {
    journal;
    calls = [];
    handler = (req)=>llmResult(`${req.model} says: ${req.messages[req.messages.length - 1].content}`);
    constructor(journal = []){
        this.journal = journal;
    }
    async chat(req) {
        this.calls.push(req);
        this.journal.push(`llm:${req.nodeId}`);
        return this.handler(req);
    }
};
let FakeCheckpoints = class FakeCheckpoints {
    journal;
    started = [];
    finished = [];
    /** Lets a test hold or fail a node's commit. */ onFinished = ()=>undefined;
    constructor(journal = []){
        this.journal = journal;
    }
    async nodeStarted(rec) {
        this.started.push(rec);
        this.journal.push(`started:${rec.nodeId}`);
    }
    async nodeFinished(rec) {
        await this.onFinished(rec);
        this.finished.push(rec);
        this.journal.push(`committed:${rec.nodeId}`);
    }
};
let FakeEvents = class FakeEvents {
    journal;
    events = [];
    constructor(journal = []){
        this.journal = journal;
    }
    emit(body) {
        this.events.push(body);
        this.journal.push(`event:${body.event}${'node_id' in body.data ? `:${body.data.node_id}` : ''}`);
    }
    names() {
        return this.events.map((e)=>'node_id' in e.data ? `${e.event}:${e.data.node_id}` : e.event);
    }
    find(event, nodeId) {
        const found = this.events.find((e)=>e.event === event && (nodeId === undefined || 'node_id' in e.data && e.data.node_id === nodeId));
        if (!found) throw new Error(`no ${event} event${nodeId ? ` for ${nodeId}` : ''}; got ${this.names().join(', ')}`);
        return found;
    }
};
let FakeClock = class FakeClock {
    ms;
    constructor(ms = 1_700_000_000_000){
        this.ms = ms;
    }
    now() {
        return this.ms;
    }
};
function fakePorts() {
    const journal = [];
    return {
        journal,
        llm: new FakeLlm(journal),
        checkpoints: new FakeCheckpoints(journal),
        events: new FakeEvents(journal),
        clock: new FakeClock()
    };
}

//# sourceMappingURL=fake-ports.spec-helper.js.map