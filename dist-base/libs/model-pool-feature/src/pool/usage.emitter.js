"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "UsageEmitter", {
    enumerable: true,
    get: function() {
        return UsageEmitter;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
let UsageEmitter = class UsageEmitter {
    queue;
    log = (0, _platform.createLogger)('UsageEmitter');
    constructor(queue){
        this.queue = queue;
    }
    async emit(event) {
        for(let attempt = 1;; attempt++){
            try {
                await this.queue.enqueue(_contracts.QUEUES.usageEvents, event, {
                    jobId: event.callId
                });
                return;
            } catch (err) {
                if (attempt >= 5) {
                    // the full event is in the log line so that it can be replayed by hand
                    this.log.error({
                        err,
                        usageEvent: event
                    }, 'usage event could not be queued');
                    return;
                }
                await new Promise((r)=>setTimeout(r, 50 * 2 ** attempt));
            }
        }
    }
};
UsageEmitter = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_platform.JOB_QUEUE)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof JobQueue === "undefined" ? Object : JobQueue
    ])
], UsageEmitter);

//# sourceMappingURL=usage.emitter.js.map