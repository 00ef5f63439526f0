// @shoal/workflow-runtime — executes a validated workflow graph for one run; all I/O through ports.
//
//   executeRun(opts: ExecuteRunOptions): Promise<RunOutcome>
//     opts: { runId, workflowId, workflowVersionId, graph: WorkflowGraph, inputs, sys?, finished: FinishedNodeRecord[],
//             ports: { llm: LlmPort, checkpoints: CheckpointStore, events: EventSink, clock?: Clock },
//             streamChunks?, signal?: AbortSignal, startedAt?: number, executors?: NodeExecutors }
//     RunOutcome: { status: 'succeeded' | 'failed', outputs, error: string | null, totalTokens, elapsedMs, steps }
//     Resolves after workflow_finished; rejects (no workflow_finished) when a checkpoint or event port fails.
//   llmCallId(runId, nodeId, attempt): string      -> `${runId}:${nodeId}:${attempt}`
//   defaultNodeExecutors: NodeExecutors           -> start, llm, end; spread and override to add node types
//   VariablePool                                   -> [nodeId, field, ...path] -> value
//
// Ports the apps implement: LlmPort, CheckpointStore, EventSink, Clock (see ports.ts for the contracts).
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
    get InvalidRunInputsError () {
        return _runtimeerrors.InvalidRunInputsError;
    },
    get RunCancelledError () {
        return _runtimeerrors.RunCancelledError;
    },
    get VariablePool () {
        return _variablepool.VariablePool;
    },
    get WorkflowRuntimeError () {
        return _runtimeerrors.WorkflowRuntimeError;
    },
    get defaultNodeExecutors () {
        return _defaultnodeexecutors.defaultNodeExecutors;
    },
    get executeRun () {
        return _executerun.executeRun;
    },
    get llmCallId () {
        return _callid.llmCallId;
    },
    get systemClock () {
        return _ports.systemClock;
    }
});
const _executerun = require("./execute-run");
const _ports = require("./ports");
const _callid = require("./call-id");
const _defaultnodeexecutors = require("./nodes/default-node-executors");
const _variablepool = require("./variable-pool");
const _runtimeerrors = require("./runtime.errors");

//# sourceMappingURL=index.js.map