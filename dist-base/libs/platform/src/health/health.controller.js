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
    get HealthController () {
        return HealthController;
    },
    get READINESS_CHECKS () {
        return READINESS_CHECKS;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _logger = require("../logging/logger");
const READINESS_CHECKS = Symbol('READINESS_CHECKS');
const CHECK_TIMEOUT_MS = 2000;
let HealthController = class HealthController {
    checks;
    log = (0, _logger.createLogger)('HealthController');
    constructor(checks = []){
        this.checks = checks;
    }
    healthz() {
        return {
            status: 'ok'
        };
    }
    async readyz(reply) {
        const results = await Promise.all(this.checks.map(async (c)=>{
            let timer;
            try {
                await Promise.race([
                    c.check(),
                    new Promise((_, reject)=>timer = setTimeout(()=>reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS))
                ]);
                return [
                    c.name,
                    'ok'
                ];
            } catch (err) {
                this.log.warn({
                    err,
                    dependency: c.name
                }, 'readiness check failed');
                return [
                    c.name,
                    'failing'
                ];
            } finally{
                clearTimeout(timer);
            }
        }));
        const ok = results.every(([, s])=>s === 'ok');
        reply.status(ok ? 200 : 503).send({
            status: ok ? 'ok' : 'unavailable',
            checks: Object.fromEntries(results)
        });
    }
};
_ts_decorate._([
    (0, _common.Get)('healthz'),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", []),
    _ts_metadata._("design:returntype", void 0)
], HealthController.prototype, "healthz", null);
_ts_decorate._([
    (0, _common.Get)('readyz'),
    _ts_param._(0, (0, _common.Res)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof FastifyReply === "undefined" ? Object : FastifyReply
    ]),
    _ts_metadata._("design:returntype", Promise)
], HealthController.prototype, "readyz", null);
HealthController = _ts_decorate._([
    (0, _common.Controller)(),
    _ts_param._(0, (0, _common.Optional)()),
    _ts_param._(0, (0, _common.Inject)(READINESS_CHECKS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        Array
    ])
], HealthController);

//# sourceMappingURL=health.controller.js.map