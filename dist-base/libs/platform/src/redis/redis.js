"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "createRedis", {
    enumerable: true,
    get: function() {
        return createRedis;
    }
});
const _ioredis = require("ioredis");
function createRedis(url, opts = {}) {
    return new _ioredis.Redis(url, {
        maxRetriesPerRequest: null,
        enableReadyCheck: true,
        lazyConnect: false,
        ...opts
    });
}

//# sourceMappingURL=redis.js.map