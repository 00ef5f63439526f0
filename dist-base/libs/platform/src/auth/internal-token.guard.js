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
    get INTERNAL_TOKEN () {
        return INTERNAL_TOKEN;
    },
    get InternalCtx () {
        return InternalCtx;
    },
    get InternalTokenGuard () {
        return InternalTokenGuard;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _apierror = require("../errors/api-error");
const _logger = require("../logging/logger");
const _apikey = require("./api-key");
const _internalcontext = require("./internal-context");
const INTERNAL_TOKEN = Symbol('INTERNAL_TOKEN');
const INTERNAL_CONTEXT = 'shoalInternalContext';
let InternalTokenGuard = class InternalTokenGuard {
    token;
    log = (0, _logger.createLogger)('InternalTokenGuard');
    constructor(token){
        this.token = token;
    }
    canActivate(host) {
        const req = host.switchToHttp().getRequest();
        req[INTERNAL_CONTEXT] = this.check(req.headers);
        return true;
    }
    /**
   * Throws 401 unless `headers` carry the internal token and a valid signed call context, which it
   * returns. Also run by the edge hook before the body is read.
   */ check(headers) {
        const given = headers[_contracts.INTERNAL_HEADERS.token];
        const presented = (typeof given === 'string' ? given : undefined) ?? (0, _apikey.bearerToken)(headers['authorization']);
        if (!presented || !(0, _apikey.constantTimeEqual)(presented, this.token)) {
            throw new _apierror.ApiError('unauthorized', 'This is an internal Shoal endpoint: a valid internal token is required');
        }
        const header = headers[_contracts.INTERNAL_HEADERS.context];
        try {
            return (0, _internalcontext.verifyInternalContext)(this.token, typeof header === 'string' ? header : undefined);
        } catch (err) {
            if (!(err instanceof _internalcontext.InternalContextError)) throw err;
            this.log.warn({
                reason: err.reason
            }, 'internal call refused: its call context is not valid');
            throw new _apierror.ApiError('unauthorized', `This internal call needs a valid signed call context (${err.reason})`);
        }
    }
};
InternalTokenGuard = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(INTERNAL_TOKEN)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        String
    ])
], InternalTokenGuard);
const InternalCtx = (0, _common.createParamDecorator)((_, host)=>{
    const ctx = host.switchToHttp().getRequest()[INTERNAL_CONTEXT];
    if (!ctx) throw new Error('@InternalCtx() used on a route without InternalTokenGuard');
    return ctx;
});

//# sourceMappingURL=internal-token.guard.js.map