// Authentication at the edge: a Fastify onRequest hook checks the credential of every route that
// requires one before the body is read, so an anonymous client cannot make the server buffer a
// body (or hold a database connection) for nothing. Which routes require what is read from the
// guards the controllers declare; the guards stay in place and see the request authenticated.
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
    get EdgeAuth () {
        return EdgeAuth;
    },
    get routeRequirements () {
        return routeRequirements;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _constants = require("@nestjs/common/constants");
const _core = require("@nestjs/core");
const _apikeyauthenticator = require("./api-key.authenticator");
const _apikeyguard = require("./api-key.guard");
const _internaltokenguard = require("./internal-token.guard");
const _requestcontext = require("./request-context");
const METHODS = [
    'GET',
    'POST',
    'PUT',
    'DELETE',
    'PATCH',
    'ALL',
    'OPTIONS',
    'HEAD',
    'SEARCH'
];
function joinPath(...parts) {
    const joined = parts.map((p)=>p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
    return `/${joined}`;
}
function requirementOf(guards) {
    if (guards.includes(_apikeyguard.ApiKeyGuard)) return 'api-key';
    if (guards.includes(_internaltokenguard.InternalTokenGuard)) return 'internal';
    return undefined;
}
function routeRequirements(controllers) {
    const out = new Map();
    for (const ctrl of controllers){
        const classGuards = Reflect.getMetadata(_constants.GUARDS_METADATA, ctrl) ?? [];
        const prefixes = [
            Reflect.getMetadata(_constants.PATH_METADATA, ctrl) ?? ''
        ].flat();
        for (const name of Object.getOwnPropertyNames(ctrl.prototype)){
            const fn = ctrl.prototype[name];
            if (name === 'constructor' || typeof fn !== 'function') continue;
            const method = Reflect.getMetadata(_constants.METHOD_METADATA, fn);
            const paths = Reflect.getMetadata(_constants.PATH_METADATA, fn);
            if (method === undefined || paths === undefined) continue;
            const needs = requirementOf([
                ...classGuards,
                ...Reflect.getMetadata(_constants.GUARDS_METADATA, fn) ?? []
            ]);
            if (!needs) continue;
            for (const prefix of prefixes)for (const p of [
                paths
            ].flat())out.set(`${METHODS[method]} ${joinPath(prefix, p)}`, needs);
        }
    }
    return out;
}
let EdgeAuth = class EdgeAuth {
    modules;
    apiKeys;
    internal;
    constructor(modules, apiKeys, internal){
        this.modules = modules;
        this.apiKeys = apiKeys;
        this.internal = internal;
    }
    install(fastify) {
        const controllers = [];
        for (const mod of this.modules.values())for (const wrapper of mod.controllers.values())if (wrapper.metatype) controllers.push(wrapper.metatype);
        const routes = routeRequirements(controllers);
        fastify.addHook('onRequest', async (req)=>{
            const url = req.routeOptions.url;
            if (url === undefined) return; // no route: the 404 handler answers
            const needs = routes.get(`${req.method} ${url}`) ?? (req.method === 'HEAD' ? routes.get(`GET ${url}`) : undefined) ?? routes.get(`ALL ${url}`);
            if (needs === 'internal') this.internal.check(req.headers);
            else if (needs === 'api-key' && this.apiKeys) req[_requestcontext.REQUEST_CONTEXT] = await this.apiKeys.authenticate(req.headers, req.ip);
        });
    }
};
EdgeAuth = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_core.ModulesContainer)),
    _ts_param._(1, (0, _common.Inject)(_apikeyauthenticator.ApiKeyAuthenticator)),
    _ts_param._(2, (0, _common.Inject)(_internaltokenguard.InternalTokenGuard)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _core.ModulesContainer === "undefined" ? Object : _core.ModulesContainer,
        Object,
        typeof _internaltokenguard.InternalTokenGuard === "undefined" ? Object : _internaltokenguard.InternalTokenGuard
    ])
], EdgeAuth);

//# sourceMappingURL=edge-auth.js.map