// executeRun: one attempt at a run, from scratch or resumed from the checkpoints of an earlier attempt.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "executeRun", {
    enumerable: true,
    get: function() {
        return executeRun;
    }
});
const _workflowdsl = require("../../workflow-dsl/src");
const _defaultnodeexecutors = require("./nodes/default-node-executors");
const _ports = require("./ports");
const _scheduler = require("./scheduler");
const _variablepool = require("./variable-pool");
// A workflow version's graph is loaded once and run many times.
const indexes = new WeakMap();
function indexOf(graph) {
    let index = indexes.get(graph);
    if (!index) {
        index = (0, _workflowdsl.buildGraphIndex)(graph);
        indexes.set(graph, index);
    }
    return index;
}
async function executeRun(opts) {
    const { runId, workflowId, graph, ports } = opts;
    const clock = ports.clock ?? _ports.systemClock;
    const startedAt = opts.startedAt ?? clock.now();
    const index = indexOf(graph);
    const pool = new _variablepool.VariablePool();
    // user_id and files always exist in Dify's sys namespace; absent ones render as '' rather than as 'sys.user_id'.
    pool.set('sys', Object.assign({
        user_id: '',
        files: []
    }, opts.sys, {
        workflow_id: workflowId,
        workflow_run_id: runId
    }));
    if (graph.environment_variables) pool.set('env', namespace(graph.environment_variables, undefined));
    pool.set('conversation', namespace(graph.conversation_variables ?? [], opts.conversationVariables));
    const done = new Map();
    let restoredTokens = 0;
    let lastIndex = 0;
    const restoredEnds = [];
    const restored = [];
    for (const rec of opts.finished){
        lastIndex = Math.max(lastIndex, rec.index);
        const node = index.nodesById.get(rec.nodeId);
        if (rec.status !== 'succeeded' && rec.status !== 'exception' || !node) continue;
        const outputs = rec.outputs ?? {};
        done.set(rec.nodeId, rec.index);
        restored.push({
            nodeId: rec.nodeId,
            index: rec.index,
            outputs,
            exception: rec.status === 'exception'
        });
        pool.set(rec.nodeId, outputs);
        restoredTokens += rec.tokens.total;
        if ((0, _workflowdsl.isNodeOfType)(node, 'end')) restoredEnds.push({
            index: rec.index,
            outputs
        });
    }
    // Branch decisions and conversation writes replay in the order the nodes ran.
    restored.sort((a, b)=>a.index - b.index);
    const executors = opts.executors ?? _defaultnodeexecutors.defaultNodeExecutors;
    const restoredAnswers = [];
    for (const rec of restored){
        const node = index.nodesById.get(rec.nodeId);
        if (!node) continue;
        if (!rec.exception) executors[node.data.type].restore?.(node, rec.outputs, pool);
        if (node.data.type === 'answer' && typeof rec.outputs.answer === 'string') restoredAnswers.push(rec.outputs.answer);
    }
    if (opts.finished.length === 0) {
        await ports.events.emit({
            event: 'workflow_started',
            data: {
                id: runId,
                workflow_id: workflowId,
                workflow_version_id: opts.workflowVersionId,
                inputs: opts.inputs,
                created_at: Math.floor(startedAt / 1000)
            }
        });
    }
    const controller = new AbortController();
    const onAbort = ()=>controller.abort();
    if (opts.signal?.aborted) controller.abort();
    else opts.signal?.addEventListener('abort', onAbort, {
        once: true
    });
    const scheduler = new _scheduler.Scheduler({
        runId,
        workflowId,
        index,
        pool,
        runInputs: opts.inputs,
        inputLimits: opts.inputLimits ?? {},
        executors,
        llm: ports.llm,
        checkpoints: ports.checkpoints,
        events: ports.events,
        clock,
        streamChunks: opts.streamChunks ?? false,
        controller,
        nextIndex: lastIndex + 1,
        restored
    });
    try {
        await scheduler.run();
    } finally{
        opts.signal?.removeEventListener('abort', onAbort);
    }
    if (scheduler.infraError !== null) throw scheduler.infraError;
    const cancelled = opts.signal?.aborted === true && (scheduler.failure !== null || scheduler.unfinishedCount > 0);
    let error = null;
    if (cancelled) error = 'cancelled';
    else if (scheduler.failure) error = `Node ${scheduler.failure.node.data.title} (${scheduler.failure.node.id}) failed: ${scheduler.failure.message}`;
    else if (scheduler.unfinishedCount > 0) error = `${scheduler.unfinishedCount} node(s) never became ready; was the graph validated with parseWorkflowGraph?`;
    const outputs = {};
    if (error === null) {
        // Several end nodes (parallel branches) merge their outputs; a later finisher wins a name clash.
        for (const end of restoredEnds.sort((a, b)=>a.index - b.index))Object.assign(outputs, end.outputs);
        for (const end of scheduler.endOutputs)Object.assign(outputs, end);
        // Answer nodes (Dify's chatflow) make up one answer, in the order they finished.
        const answers = [
            ...restoredAnswers,
            ...scheduler.answers
        ];
        if (answers.length > 0) outputs.answer = answers.join('');
    }
    const finishedAt = clock.now();
    const handledErrors = restored.some((r)=>r.exception) || scheduler.exceptions > 0;
    const outcome = {
        status: error !== null ? 'failed' : handledErrors ? 'partial-succeeded' : 'succeeded',
        outputs,
        error,
        totalTokens: restoredTokens + scheduler.tokens,
        elapsedMs: finishedAt - startedAt,
        steps: done.size + scheduler.steps,
        conversationVariables: Object.assign({}, pool.get([
            'conversation'
        ]))
    };
    const data = {
        id: runId,
        workflow_id: workflowId,
        status: outcome.status,
        outputs: error === null ? outputs : null,
        error,
        elapsed_time: outcome.elapsedMs / 1000,
        total_tokens: outcome.totalTokens,
        total_steps: outcome.steps,
        created_at: Math.floor(startedAt / 1000),
        finished_at: Math.floor(finishedAt / 1000)
    };
    await ports.events.emit({
        event: 'workflow_finished',
        data
    });
    return outcome;
}
/** A namespace object with no prototype, so names like `constructor` read nothing. */ function namespace(declared, current) {
    const out = Object.create(null);
    for (const v of declared)out[v.name] = current && Object.hasOwn(current, v.name) ? current[v.name] : v.value;
    return out;
}

//# sourceMappingURL=execute-run.js.map