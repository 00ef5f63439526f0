// @shoal/testing — helpers for integration and end-to-end tests: databases, Redis prefixes, service
// processes; and the mock provider, re-exported from @shoal/mock-provider for tests' convenience.
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
        return _mockprovider.FAULT_HEADER;
    },
    get IN_PROCESS_MOCK_URL () {
        return _mockprovider.IN_PROCESS_MOCK_URL;
    },
    get MOCK_ANSWER_PREFIX () {
        return _mockprovider.MOCK_ANSWER_PREFIX;
    },
    get MOCK_OWNER () {
        return _mockprovider.MOCK_OWNER;
    },
    get SYSTEM_FINGERPRINT () {
        return _mockprovider.SYSTEM_FINGERPRINT;
    },
    get createInProcessMockProvider () {
        return _mockprovider.createInProcessMockProvider;
    },
    get createTestDatabase () {
        return _testdatabase.createTestDatabase;
    },
    get freePort () {
        return _serviceprocess.freePort;
    },
    get mockAnswer () {
        return _mockprovider.mockAnswer;
    },
    get mockLastUserMessage () {
        return _mockprovider.mockLastUserMessage;
    },
    get mockMessageText () {
        return _mockprovider.mockMessageText;
    },
    get mockTokenCount () {
        return _mockprovider.mockTokenCount;
    },
    get mockUsageFor () {
        return _mockprovider.mockUsageFor;
    },
    get mockWordPieces () {
        return _mockprovider.mockWordPieces;
    },
    get repoRoot () {
        return _serviceprocess.repoRoot;
    },
    get startMockProvider () {
        return _mockprovider.startMockProvider;
    },
    get startService () {
        return _serviceprocess.startService;
    },
    get testRedisPrefix () {
        return _testdatabase.testRedisPrefix;
    },
    get testRedisUrl () {
        return _testdatabase.testRedisUrl;
    },
    get waitForHttp () {
        return _serviceprocess.waitForHttp;
    },
    get withDatabase () {
        return _testdatabase.withDatabase;
    }
});
const _mockprovider = require("../../mock-provider/src");
const _testdatabase = require("./test-database");
const _serviceprocess = require("./service-process");

//# sourceMappingURL=index.js.map