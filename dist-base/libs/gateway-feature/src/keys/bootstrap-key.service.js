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
    get BOOTSTRAP_KEY () {
        return BOOTSTRAP_KEY;
    },
    get BootstrapKeyService () {
        return BootstrapKeyService;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _platform = require("../../../platform/src");
const BOOTSTRAP_KEY = Symbol('BOOTSTRAP_KEY');
let BootstrapKeyService = class BootstrapKeyService {
    keys;
    bootstrapKey;
    log = (0, _platform.createLogger)('BootstrapKeyService');
    /** the generated key, when one was generated in this process (standalone mode prints it) */ generatedKey;
    constructor(keys, bootstrapKey){
        this.keys = keys;
        this.bootstrapKey = bootstrapKey;
    }
    async onApplicationBootstrap() {
        const result = await this.keys.bootstrap(this.bootstrapKey);
        if (!result.created) return;
        if (result.generated) {
            this.generatedKey = result.key;
            // printed once, on stderr, never into the JSON logs
            process.stderr.write(`\nCreated the default tenant. Its admin API key (shown once, store it now):\n\n  ${result.key}\n\n`);
        } else {
            this.log.info({
                tenantId: result.tenantId
            }, 'created the default tenant with SHOAL_BOOTSTRAP_KEY as its admin key');
        }
    }
};
BootstrapKeyService = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_platform.ApiKeysRepository)),
    _ts_param._(1, (0, _common.Inject)(BOOTSTRAP_KEY)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _platform.ApiKeysRepository === "undefined" ? Object : _platform.ApiKeysRepository,
        Object
    ])
], BootstrapKeyService);

//# sourceMappingURL=bootstrap-key.service.js.map