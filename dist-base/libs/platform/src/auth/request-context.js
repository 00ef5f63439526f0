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
    get Ctx () {
        return Ctx;
    },
    get REQUEST_CONTEXT () {
        return REQUEST_CONTEXT;
    }
});
const _common = require("@nestjs/common");
const REQUEST_CONTEXT = 'shoalContext';
const Ctx = (0, _common.createParamDecorator)((_, host)=>{
    const req = host.switchToHttp().getRequest();
    const ctx = req[REQUEST_CONTEXT];
    if (!ctx) throw new Error('@Ctx() used on a route without ApiKeyGuard');
    return ctx;
});

//# sourceMappingURL=request-context.js.map