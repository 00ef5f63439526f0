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
    get INTERNAL_HEADERS () {
        return _internalapi.INTERNAL_HEADERS;
    },
    get QUEUES () {
        return _queues.QUEUES;
    },
    get QUEUE_DEFAULTS () {
        return _queues.QUEUE_DEFAULTS;
    },
    get ROUTE_PREFIX () {
        return _internalapi.ROUTE_PREFIX;
    },
    get chatCompletionRequestSchema () {
        return _chatrequest.chatCompletionRequestSchema;
    },
    get hasPrefix () {
        return _ids.hasPrefix;
    },
    get looksLikeId () {
        return _ids.looksLikeId;
    },
    get newId () {
        return _ids.newId;
    },
    get runJobSchema () {
        return _queues.runJobSchema;
    },
    get ulid () {
        return _ids.ulid;
    },
    get usageEventSchema () {
        return _queues.usageEventSchema;
    }
});
const _export_star = require("@swc/helpers/_/_export_star");
const _ids = require("./ids");
_export_star._(require("./run-events"), exports);
const _queues = require("./queues");
const _internalapi = require("./internal-api");
const _chatrequest = require("./chat-request");

//# sourceMappingURL=index.js.map