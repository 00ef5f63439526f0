// @shoal/gateway-feature — the gateway's Nest module: API keys, REST, the OpenAI-compatible API, run events.
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
    get DEFAULT_STREAM_LIMITS () {
        return _streamslots.DEFAULT_STREAM_LIMITS;
    },
    get GatewayModule () {
        return _gatewaymodule.GatewayModule;
    }
});
const _gatewaymodule = require("./gateway.module");
const _streamslots = require("./streams/stream-slots");

//# sourceMappingURL=index.js.map