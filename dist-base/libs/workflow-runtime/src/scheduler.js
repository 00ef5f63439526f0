// Runs the nodes of one run attempt. Each edge is decided once: taken when its source succeeded and
// chose the edge's handle, skipped otherwise. A node runs once all its incoming edges are decided and
// at least one was taken (Dify's rule); when all were skipped it is skipped, and so are its outgoing
// edges. A finished node is checkpointed before its edges are decided; ready nodes run concurrently;
// the first failure stops new starts.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "Scheduler", {
    enumerable: true,
    get: function() {
        return Scheduler;
    }
});
const _contracts = require("../../contracts/src");
const _workflowdsl = require("../../workflow-dsl/src");
const _callid = require("./call-id");
const _isthenable = require("./is-thenable");
const _runtimeerrors = require("./runtime.errors");
const _textchunkemitter = require("./text-chunk.emitter");
const NO_TOKENS = {
    prompt: 0,
    completion: 0,
    total: 0
};
const NO_HANDLES = [];
const SOURCE_ONLY = [
    'source'
];
const FAIL_BRANCH_ONLY = [
    _workflowdsl.FAIL_BRANCH_HANDLE
];
function handlesErrors(node) {
    return node.data.error_strategy !== undefined && _workflowdsl.ERROR_STRATEGY_NODE_TYPES.has(node.data.type);
}
function exceptionHandles(node) {
    return node.data.error_strategy === 'fail-branch' ? FAIL_BRANCH_ONLY : SOURCE_ONLY;
}
/** Dify's outputs of a handled failure: the default values (default-value strategy), error_message and error_type. */ function exceptionOutputs(node, error) {
    const outputs = {};
    if (node.data.error_strategy === 'default-value') for (const d of node.data.default_value ?? [])outputs[d.key] = d.value;
    outputs.error_message = errorMessage(error);
    outputs.error_type = error instanceof Error ? error.name : 'Error';
    return outputs;
}
function seconds(ms) {
    return Math.floor(ms / 1000);
}
let Scheduler = class Scheduler {
    o;
    /** Nodes not yet ready, skipped or restored. */ gates = new Map();
    initiallyReady = [];
    live = false;
    unstarted = 0;
    /** Nodes whose incoming edges were all skipped; never announced, never run. */ skipped = new Set();
    aborted;
    nextIndex;
    inFlight = 0;
    stopping = false;
    settle = ()=>undefined;
    failure = null;
    /** A port other than the LLM failed (checkpoint store, event sink): the attempt must not report an outcome. */ infraError = null;
    steps = 0;
    tokens = 0;
    /** Nodes run by this attempt that ended `exception` (their error_strategy handled a failure). */ exceptions = 0;
    /** End node outputs in the order the end nodes finished. */ endOutputs = [];
    /** Answer node texts in the order they finished. */ answers = [];
    constructor(o){
        this.o = o;
        this.nextIndex = o.nextIndex;
        const signal = o.controller.signal;
        this.aborted = new Promise((_, reject)=>{
            if (signal.aborted) reject(new _runtimeerrors.RunCancelledError());
            else signal.addEventListener('abort', ()=>reject(new _runtimeerrors.RunCancelledError()), {
                once: true
            });
        });
        // Only raced against; never awaited alone.
        this.aborted.catch(()=>undefined);
        const restored = new Set(o.restored.map((r)=>r.nodeId));
        for (const [id, incoming] of o.index.incomingEdges){
            if (restored.has(id)) continue;
            if (incoming.length === 0) this.initiallyReady.push({
                nodeId: id,
                from: null
            });
            else this.gates.set(id, {
                pending: incoming.length,
                from: null
            });
        }
        // Replays the branch decisions of restored nodes from their outputs, so skips are rebuilt too.
        for (const { nodeId, outputs, exception } of o.restored){
            const node = o.index.nodesById.get(nodeId);
            if (node) this.decideEdges(nodeId, exception ? exceptionHandles(node) : this.takenHandles(node, outputs));
        }
    }
    /** Runs until no node is ready or running. */ run() {
        const drained = new Promise((resolve)=>this.settle = resolve);
        this.live = true;
        for (const { nodeId, from } of this.initiallyReady)this.launch(nodeId, from);
        if (this.inFlight === 0) this.settle();
        return drained;
    }
    /** Nodes that neither ran nor were skipped (only for graphs that skipped validation, or when stopped). */ get unfinishedCount() {
        return this.gates.size + this.unstarted;
    }
    takenHandles(node, outputs) {
        const executor = this.o.executors[node.data.type];
        if (executor?.takenHandles) return executor.takenHandles(node, outputs);
        // A node with a fail branch that succeeded leaves by 'source' only.
        return handlesErrors(node) && node.data.error_strategy === 'fail-branch' ? SOURCE_ONLY : null;
    }
    /** Decides every outgoing edge of a node: taken when `handles` is null or names the edge's handle. */ decideEdges(nodeId, handles) {
        for (const edge of this.o.index.outgoingEdges.get(nodeId) ?? []){
            const gate = this.gates.get(edge.target);
            if (!gate) continue;
            if (handles === null || handles.includes(edge.sourceHandle)) gate.from = nodeId;
            if (--gate.pending > 0) continue;
            this.gates.delete(edge.target);
            if (gate.from === null) {
                this.skipped.add(edge.target);
                this.decideEdges(edge.target, NO_HANDLES);
            } else if (this.live) this.launch(edge.target, gate.from);
            else this.initiallyReady.push({
                nodeId: edge.target,
                from: gate.from
            });
        }
    }
    launch(nodeId, predecessorId) {
        if (this.stopping || this.o.controller.signal.aborted) {
            this.unstarted++;
            return;
        }
        const node = this.o.index.nodesById.get(nodeId);
        if (!node) return;
        this.inFlight++;
        this.runNode(node, predecessorId).then(()=>this.afterNode(), (error)=>{
            this.infraError ??= error;
            this.stopping = true;
            this.o.controller.abort();
            this.afterNode();
        });
    }
    afterNode() {
        if (--this.inFlight === 0) this.settle();
    }
    async runNode(node, predecessorNodeId) {
        const { o } = this;
        const executor = o.executors[node.data.type];
        const attempt = 0;
        const callId = (0, _callid.llmCallId)(o.runId, node.id, attempt);
        const start = {
            runId: o.runId,
            executionId: (0, _contracts.newId)('nex'),
            nodeId: node.id,
            nodeType: node.data.type,
            title: node.data.title,
            index: this.nextIndex++,
            predecessorNodeId,
            attempt,
            callId: executor?.callsLlm ? callId : null,
            startedAt: o.clock.now()
        };
        this.steps++;
        await o.checkpoints.nodeStarted(start);
        const startedData = {
            id: start.executionId,
            node_id: node.id,
            node_type: node.data.type,
            title: start.title,
            index: start.index,
            predecessor_node_id: predecessorNodeId,
            inputs: null,
            created_at: seconds(start.startedAt)
        };
        const startedEvent = this.emit({
            event: 'node_started',
            data: startedData
        });
        if (startedEvent) await startedEvent;
        const chunks = o.streamChunks ? new _textchunkemitter.ChunkEmitter(o.events) : null;
        let result = null;
        let error = null;
        let exception = false;
        try {
            if (!executor) throw new _runtimeerrors.WorkflowRuntimeError('no_executor', `no executor for node type '${node.data.type}'`);
            if (o.controller.signal.aborted) throw new _runtimeerrors.RunCancelledError();
            const ctx = {
                runId: o.runId,
                workflowId: o.workflowId,
                attempt,
                callId,
                pool: o.pool,
                runInputs: o.runInputs,
                inputLimits: o.inputLimits,
                llm: o.llm,
                signal: o.controller.signal,
                emitTextChunk: chunks ? chunks.emit : null
            };
            const pending = executor.execute(node, ctx);
            result = (0, _isthenable.isThenable)(pending) ? await Promise.race([
                pending,
                this.aborted
            ]) : pending;
        } catch (e) {
            error = e;
        }
        if (chunks) await chunks.close();
        if (error !== null && !(error instanceof _runtimeerrors.RunCancelledError) && !o.controller.signal.aborted && handlesErrors(node)) {
            // Dify's error handling: the node ends as `exception` with the error as outputs, and the run goes on.
            exception = true;
            result = {
                inputs: result?.inputs ?? null,
                outputs: exceptionOutputs(node, error)
            };
        }
        const finishedAt = o.clock.now();
        const tokens = result?.tokens ?? NO_TOKENS;
        const message = error === null ? null : errorMessage(error);
        // Spelled out: V8 turns `{ ...start, more }` into a slow object costing ~8 µs here.
        const finish = {
            runId: start.runId,
            executionId: start.executionId,
            nodeId: start.nodeId,
            nodeType: start.nodeType,
            title: start.title,
            index: start.index,
            predecessorNodeId: start.predecessorNodeId,
            attempt: start.attempt,
            callId: start.callId,
            startedAt: start.startedAt,
            status: exception ? 'exception' : error === null ? 'succeeded' : 'failed',
            inputs: result?.inputs ?? null,
            processData: result?.processData ?? null,
            outputs: result?.outputs ?? null,
            error: message,
            finishedAt,
            elapsedMs: finishedAt - start.startedAt,
            tokens
        };
        await o.checkpoints.nodeFinished(finish);
        const finishedData = {
            id: start.executionId,
            node_id: node.id,
            node_type: node.data.type,
            title: start.title,
            index: start.index,
            predecessor_node_id: predecessorNodeId,
            inputs: finish.inputs,
            created_at: startedData.created_at,
            status: finish.status,
            outputs: finish.outputs,
            error: message,
            elapsed_time: finish.elapsedMs / 1000,
            execution_metadata: executor?.callsLlm ? {
                total_tokens: tokens.total
            } : null,
            finished_at: seconds(finishedAt)
        };
        const finishedEvent = this.emit({
            event: 'node_finished',
            data: finishedData
        });
        if (finishedEvent) await finishedEvent;
        this.tokens += tokens.total;
        if (result === null) {
            this.failure ??= {
                node,
                message: message ?? 'failed'
            };
            this.stopping = true;
            return;
        }
        if (exception) this.exceptions++;
        o.pool.set(node.id, result.outputs);
        if (node.data.type === 'end') this.endOutputs.push(result.outputs);
        else if (node.data.type === 'answer' && typeof result.outputs.answer === 'string') this.answers.push(result.outputs.answer);
        this.decideEdges(node.id, exception ? exceptionHandles(node) : this.takenHandles(node, result.outputs));
    }
    emit(body) {
        const pending = this.o.events.emit(body);
        return pending && (0, _isthenable.isThenable)(pending) ? pending : undefined;
    }
};
function errorMessage(error) {
    if (error instanceof Error) return error.message || error.name;
    return typeof error === 'string' ? error : String(error);
}

//# sourceMappingURL=scheduler.js.map