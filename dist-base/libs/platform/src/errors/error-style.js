// Which error shape a path answers with: OpenAI-compatible routes speak OpenAI's, the rest
// problem+json. Used for errors raised before a controller is reached (bad JSON, unknown routes).
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
    get HttpErrorFilter () {
        return HttpErrorFilter;
    },
    get errorStyleFor () {
        return errorStyleFor;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _common = require("@nestjs/common");
const _errorfilters = require("./error-filters");
function errorStyleFor(url) {
    const path = url.split('?')[0];
    return /^\/(pool\/)?v1\/(chat\/completions|completions|models|embeddings)(\/|$)/.test(path) ? 'openai' : 'problem';
}
let HttpErrorFilter = class HttpErrorFilter {
    openai = new _errorfilters.OpenAiErrorFilter();
    problem = new _errorfilters.ProblemJsonFilter();
    catch(err, host) {
        const req = host.switchToHttp().getRequest();
        (errorStyleFor(req.url) === 'openai' ? this.openai : this.problem).catch(err, host);
    }
};
HttpErrorFilter = _ts_decorate._([
    (0, _common.Catch)()
], HttpErrorFilter);

//# sourceMappingURL=error-style.js.map