"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "ApiKeyGuard", {
    enumerable: true,
    get: function() {
        return ApiKeyGuard;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _apikeyauthenticator = require("./api-key.authenticator");
const _requestcontext = require("./request-context");
let ApiKeyGuard = class ApiKeyGuard {
    auth;
    // null in a service without a database, where no route may use it
    constructor(auth){
        this.auth = auth;
    }
    async canActivate(host) {
        const req = host.switchToHttp().getRequest();
        if (req[_requestcontext.REQUEST_CONTEXT]) return true;
        if (!this.auth) throw new Error('ApiKeyGuard used in a service without a database');
        req[_requestcontext.REQUEST_CONTEXT] = await this.auth.authenticate(req.headers, req.ip ?? 'unknown');
        return true;
    }
};
ApiKeyGuard = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_apikeyauthenticator.ApiKeyAuthenticator)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        Object
    ])
], ApiKeyGuard);

//# sourceMappingURL=api-key.guard.js.map