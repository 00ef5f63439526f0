// Run events, named and shaped as Dify names them so Dify clients work unchanged.
// Every event carries the run id, a per-run sequence number (1, 2, 3, ...) and a timestamp.
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
    get TERMINAL_RUN_STATUSES () {
        return TERMINAL_RUN_STATUSES;
    },
    get runStatusFromColumn () {
        return runStatusFromColumn;
    },
    get runStatusToColumn () {
        return runStatusToColumn;
    }
});
function runStatusFromColumn(status) {
    return status === 'partial_succeeded' ? 'partial-succeeded' : status;
}
function runStatusToColumn(status) {
    return status === 'partial-succeeded' ? 'partial_succeeded' : status;
}
const TERMINAL_RUN_STATUSES = new Set([
    'succeeded',
    'failed',
    'partial-succeeded',
    'stopped'
]);

//# sourceMappingURL=run-events.js.map