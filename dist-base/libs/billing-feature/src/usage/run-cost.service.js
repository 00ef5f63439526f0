"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "RunCostService", {
    enumerable: true,
    get: function() {
        return RunCostService;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _usageledgerrepository = require("./usage-ledger.repository");
let RunCostService = class RunCostService {
    ledger;
    constructor(ledger){
        this.ledger = ledger;
    }
    async waitForCost(tenantId, runId, expected, waitMs) {
        const deadline = Date.now() + waitMs;
        let delay = 5;
        for(;;){
            const t = await this.ledger.runTotals(tenantId, runId, expected);
            const missing = expected.filter((c)=>!t.present.has(c));
            if (missing.length === 0 || Date.now() >= deadline) {
                return {
                    run_id: runId,
                    calls: t.calls,
                    total_tokens: t.totalTokens,
                    total_price: t.totalCost,
                    currency: t.currency ?? 'USD',
                    missing
                };
            }
            await new Promise((r)=>setTimeout(r, delay));
            delay = Math.min(delay * 2, 100);
        }
    }
};
RunCostService = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_usageledgerrepository.UsageLedgerRepository)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _usageledgerrepository.UsageLedgerRepository === "undefined" ? Object : _usageledgerrepository.UsageLedgerRepository
    ])
], RunCostService);

//# sourceMappingURL=run-cost.service.js.map