// @shoal/mock-provider — an OpenAI-compatible mock provider (JSON and SSE) with fault injection: the
// demo model `mock-chat` in standalone mode, and the upstream in tests and benchmarks.
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
    get FAULT_HEADER () {
        return _faultspec.FAULT_HEADER;
    },
    get IN_PROCESS_MOCK_URL () {
        return _mockproviderinprocess.IN_PROCESS_MOCK_URL;
    },
    get MOCK_ANSWER_PREFIX () {
        return _mockanswer.MOCK_ANSWER_PREFIX;
    },
    get MOCK_OWNER () {
        return _mockproviderserver.MOCK_OWNER;
    },
    get SYSTEM_FINGERPRINT () {
        return _chatcompletionresponder.SYSTEM_FINGERPRINT;
    },
    get createInProcessMockProvider () {
        return _mockproviderinprocess.createInProcessMockProvider;
    },
    get mockAnswer () {
        return _mockanswer.mockAnswer;
    },
    get mockLastUserMessage () {
        return _mockanswer.mockLastUserMessage;
    },
    get mockMessageText () {
        return _mockanswer.mockMessageText;
    },
    get mockTokenCount () {
        return _mockanswer.mockTokenCount;
    },
    get mockUsageFor () {
        return _mockanswer.mockUsageFor;
    },
    get mockWordPieces () {
        return _mockanswer.mockWordPieces;
    },
    get startMockProvider () {
        return _mockproviderserver.startMockProvider;
    }
});
const _mockproviderserver = require("./mock-provider.server");
const _mockproviderinprocess = require("./mock-provider.in-process");
const _chatcompletionresponder = require("./chat-completion.responder");
const _faultspec = require("./fault-spec");
const _mockanswer = require("./mock-answer");

//# sourceMappingURL=index.js.map