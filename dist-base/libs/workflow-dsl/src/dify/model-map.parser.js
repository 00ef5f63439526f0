// Parses the `model_map` query parameter: `gpt-4o:deepseek-flash,claude-3:deepseek-v4-pro`.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "parseModelMapParam", {
    enumerable: true,
    get: function() {
        return parseModelMapParam;
    }
});
function parseModelMapParam(text, param = 'model_map') {
    const modelMap = Object.create(null);
    const issues = [];
    if (text.trim() === '') return {
        ok: true,
        modelMap: {}
    };
    text.split(',').forEach((entry, i)=>{
        const path = `${param}[${i}]`;
        const trimmed = entry.trim();
        const colon = trimmed.lastIndexOf(':');
        if (trimmed === '') {
            issues.push({
                path,
                code: 'invalid_input',
                message: `${param} entry ${i + 1} is empty (a stray comma?)`
            });
            return;
        }
        if (colon < 0) {
            issues.push({
                path,
                code: 'invalid_input',
                message: `${param} entry '${trimmed}' must be 'dify-model:shoal-alias'`
            });
            return;
        }
        const from = trimmed.slice(0, colon).trim();
        const to = trimmed.slice(colon + 1).trim();
        if (from === '' || to === '') {
            issues.push({
                path,
                code: 'invalid_input',
                message: `${param} entry '${trimmed}' needs a model name on both sides of ':'`
            });
            return;
        }
        const previous = modelMap[from];
        if (previous !== undefined && previous !== to) {
            issues.push({
                path,
                code: 'invalid_input',
                message: `${param} maps '${from}' twice ('${previous}' and '${to}')`
            });
            return;
        }
        modelMap[from] = to;
    });
    return issues.length > 0 ? {
        ok: false,
        issues
    } : {
        ok: true,
        modelMap: {
            ...modelMap
        }
    };
}

//# sourceMappingURL=model-map.parser.js.map