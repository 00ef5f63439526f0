// What POST /v1/workflows/import was sent: the DSL as a YAML body, or JSON { yaml_content, model_map? },
// plus an optional `model_map` query parameter that applies to both.
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
    get YAML_BODY_TYPES () {
        return YAML_BODY_TYPES;
    },
    get parseImportRequest () {
        return parseImportRequest;
    }
});
const _zod = require("zod");
const _workflowdsl = require("../../../workflow-dsl/src");
const _platform = require("../../../platform/src");
const YAML_BODY_TYPES = [
    'application/yaml',
    'text/yaml'
];
const aliasName = _zod.z.string().trim().min(1, 'must not be empty').max(200);
const importJsonSchema = _zod.z.object({
    yaml_content: _zod.z.string(),
    model_map: _zod.z.record(aliasName, aliasName).optional()
});
function parseImportRequest(body, mediaType, modelMapQuery) {
    const fromQuery = parseModelMapQuery(modelMapQuery);
    if (mediaType !== undefined && YAML_BODY_TYPES.includes(mediaType)) {
        if (typeof body !== 'string' || body.trim() === '') throw _platform.ApiError.validation('The request body is empty; send the Dify DSL export (YAML)', [
            {
                path: 'body',
                message: 'is empty',
                code: 'empty_body'
            }
        ]);
        return {
            yaml: body,
            modelMap: fromQuery
        };
    }
    const input = (0, _platform.parseBody)(importJsonSchema, body);
    // the body's map is the more specific one: it wins over the query parameter for the same name
    return {
        yaml: input.yaml_content,
        modelMap: {
            ...fromQuery,
            ...input.model_map
        }
    };
}
function parseModelMapQuery(value) {
    if (value === undefined) return {};
    // a repeated parameter is read as one list
    const text = Array.isArray(value) ? value.join(',') : value;
    if (typeof text !== 'string') throw _platform.ApiError.validation('model_map must be a string', [
        {
            path: 'query.model_map',
            message: 'must be a string',
            code: 'invalid_type'
        }
    ]);
    const parsed = (0, _workflowdsl.parseModelMapParam)(text, 'model_map');
    if (parsed.ok) return parsed.modelMap;
    const issues = parsed.issues.map((i)=>({
            path: `query.${i.path}`,
            message: i.message,
            code: i.code
        }));
    throw _platform.ApiError.validation(`Invalid model_map: ${issues.map((i)=>i.message).join('; ')}`, issues);
}

//# sourceMappingURL=import-workflow.request.js.map