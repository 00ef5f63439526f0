// Test-only helpers shared by this lib's specs: deployments, a manual clock, a scripted random.
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
    get ManualClock () {
        return ManualClock;
    },
    get dep () {
        return dep;
    }
});
const _secrets = require("../secrets");
function dep(id, model, weight = 1, provider = 'openai-compatible') {
    return {
        id,
        model,
        provider,
        baseUrl: 'http://provider.test/v1',
        apiKey: new _secrets.Secret(`sk-test-${id}-0123456789`),
        upstreamModel: model,
        weight,
        source: 'file'
    };
}
let ManualClock = class ManualClock {
    nowMs;
    constructor(nowMs = 1_700_000_000_000){
        this.nowMs = nowMs;
    }
    now = ()=>this.nowMs;
    advance(ms) {
        this.nowMs += ms;
    }
};

//# sourceMappingURL=fixtures.js.map