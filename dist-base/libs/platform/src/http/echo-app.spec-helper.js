// A tiny app for the platform's HTTP tests, booted with `createHttpApp`: echoes what reached it.
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
    get EchoController () {
        return EchoController;
    },
    get startEchoApp () {
        return startEchoApp;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _bodycontenttypehook = require("./body-content-type.hook");
const _bootstrap = require("./bootstrap");
let EchoController = class EchoController {
    create(body) {
        return {
            body
        };
    }
    get(id, query) {
        return {
            id,
            query
        };
    }
    remove() {
        return undefined;
    }
    chat(body) {
        return {
            body
        };
    }
    importYaml(body) {
        return {
            type: typeof body,
            body
        };
    }
};
_ts_decorate._([
    (0, _common.Post)('things'),
    (0, _common.HttpCode)(200),
    _ts_param._(0, (0, _common.Body)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        Object
    ]),
    _ts_metadata._("design:returntype", void 0)
], EchoController.prototype, "create", null);
_ts_decorate._([
    (0, _common.Get)('things/:id'),
    _ts_param._(0, (0, _common.Param)('id')),
    _ts_param._(1, (0, _common.Query)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        String,
        Object
    ]),
    _ts_metadata._("design:returntype", void 0)
], EchoController.prototype, "get", null);
_ts_decorate._([
    (0, _common.Delete)('things/:id'),
    (0, _common.HttpCode)(204),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", []),
    _ts_metadata._("design:returntype", void 0)
], EchoController.prototype, "remove", null);
_ts_decorate._([
    (0, _common.Post)('v1/chat/completions'),
    (0, _common.HttpCode)(200),
    _ts_param._(0, (0, _common.Body)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        Object
    ]),
    _ts_metadata._("design:returntype", void 0)
], EchoController.prototype, "chat", null);
_ts_decorate._([
    (0, _common.Post)('imports'),
    (0, _common.HttpCode)(200),
    (0, _bodycontenttypehook.AcceptsBody)('application/yaml'),
    _ts_param._(0, (0, _common.Body)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        Object
    ]),
    _ts_metadata._("design:returntype", void 0)
], EchoController.prototype, "importYaml", null);
EchoController = _ts_decorate._([
    (0, _common.Controller)()
], EchoController);
let EchoModule = class EchoModule {
};
EchoModule = _ts_decorate._([
    (0, _common.Module)({
        controllers: [
            EchoController
        ]
    })
], EchoModule);
async function startEchoApp() {
    const app = await (0, _bootstrap.createHttpApp)(EchoModule, {
        shutdownHooks: false
    });
    await app.init();
    return {
        app,
        fastify: app.getHttpAdapter().getInstance()
    };
}

//# sourceMappingURL=echo-app.spec-helper.js.map