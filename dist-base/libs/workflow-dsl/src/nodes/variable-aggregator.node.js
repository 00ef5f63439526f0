// The variable-aggregator node (and its legacy name, variable-assigner): the first of several
// selectors that has a value, typically one per branch; with groups, one such output per group.
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
    get legacyVariableAssignerNodeDefinition () {
        return legacyVariableAssignerNodeDefinition;
    },
    get variableAggregatorNodeDefinition () {
        return variableAggregatorNodeDefinition;
    }
});
const _zod = require("zod");
const _nodedefinition = require("./node-definition");
const groupSchema = _zod.z.looseObject({
    group_name: _nodedefinition.variableNameSchema,
    output_type: _zod.z.string().nullish(),
    variables: _zod.z.array(_nodedefinition.selectorSchema).nullish()
});
function schemaFor(type) {
    return _zod.z.looseObject({
        ..._nodedefinition.baseDataShape,
        type: _zod.z.literal(type),
        output_type: _zod.z.string().nullish(),
        variables: _zod.z.array(_nodedefinition.selectorSchema).nullish(),
        advanced_settings: _zod.z.looseObject({
            group_enabled: _zod.z.boolean().nullish(),
            groups: _zod.z.array(groupSchema).nullish()
        }).nullish()
    });
}
function groupsOf(parsed) {
    const settings = parsed.advanced_settings;
    return settings?.group_enabled ? settings.groups ?? [] : null;
}
function check(parsed) {
    const groups = groupsOf(parsed);
    return groups ? (0, _nodedefinition.uniqueNames)(groups.map((g)=>g.group_name), [
        'advanced_settings',
        'groups'
    ], 'group_name') : [];
}
function references(parsed) {
    const groups = groupsOf(parsed);
    if (groups) return groups.flatMap((g, i)=>(g.variables ?? []).map((selector, j)=>({
                path: [
                    'advanced_settings',
                    'groups',
                    i,
                    'variables',
                    j
                ],
                selector
            })));
    return (parsed.variables ?? []).map((selector, i)=>({
            path: [
                'variables',
                i
            ],
            selector
        }));
}
function definitionFor(type) {
    return {
        type,
        schema: schemaFor(type),
        normalize: (parsed, nodeId)=>{
            const groups = groupsOf(parsed);
            const fields = {
                output_type: parsed.output_type ?? 'any',
                variables: parsed.variables ?? []
            };
            if (groups) fields.groups = groups.map((g)=>({
                    group_name: g.group_name,
                    output_type: g.output_type ?? 'any',
                    variables: g.variables ?? []
                }));
            return (0, _nodedefinition.normalizeData)(parsed, type, nodeId, fields);
        },
        check,
        references,
        outputFields: (parsed)=>groupsOf(parsed)?.map((g)=>g.group_name) ?? [
                'output'
            ]
    };
}
const variableAggregatorNodeDefinition = definitionFor('variable-aggregator');
const legacyVariableAssignerNodeDefinition = definitionFor('variable-assigner');

//# sourceMappingURL=variable-aggregator.node.js.map