// The queue port: durable jobs with deterministic ids (a job id that already exists is not added
// twice). BullMQ on Redis in distributed mode, an in-process queue in standalone mode.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "JOB_QUEUE", {
    enumerable: true,
    get: function() {
        return JOB_QUEUE;
    }
});
const JOB_QUEUE = Symbol('JOB_QUEUE');

//# sourceMappingURL=job-queue.js.map