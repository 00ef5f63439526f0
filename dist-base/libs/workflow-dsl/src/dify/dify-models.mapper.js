// Points imported LLM nodes at Shoal model aliases: same name, or renamed by the model map.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "mapModels", {
    enumerable: true,
    get: function() {
        return mapModels;
    }
});
const _difygraphcleaner = require("./dify-graph.cleaner");
function mapModels(nodes, modelMap, knownModels, at) {
    const warnings = [];
    nodes.forEach((node, i)=>{
        const data = node.data;
        if (!(0, _difygraphcleaner.isJsonObject)(data) || !(0, _difygraphcleaner.isJsonObject)(data.model) || typeof data.model.name !== 'string') return;
        const original = data.model.name;
        const alias = Object.hasOwn(modelMap, original) ? modelMap[original] : original;
        if (alias !== original) data.model = {
            ...data.model,
            name: alias
        };
        if (knownModels && !knownModels.has(alias)) {
            const id = typeof node.id === 'string' ? node.id : undefined;
            const via = alias === original ? '' : ` (mapped from '${original}')`;
            warnings.push({
                path: `${at}[${i}].data.model.name`,
                nodeId: id,
                code: 'model_not_served',
                message: `node '${id ?? i}' uses model '${alias}'${via}, which no Shoal model alias serves; map it with model_map=${original}:<alias>`
            });
        }
    });
    return warnings;
}

//# sourceMappingURL=dify-models.mapper.js.map