// The answer node: renders its template (`{{#node.field#}}` references) as the streamed answer.
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
    get ANSWER_OUTPUT_FIELDS () {
        return ANSWER_OUTPUT_FIELDS;
    },
    get answerNodeDefinition () {
        return answerNodeDefinition;
    }
});
const _zod = require("zod");
const _variablereference = require("../variable-reference");
const _nodedefinition = require("./node-definition");
const ANSWER_OUTPUT_FIELDS = [
    'answer',
    'files'
];
const schema = _zod.z.looseObject({
    ..._nodedefinition.baseDataShape,
    type: _zod.z.literal('answer'),
    answer: _zod.z.string()
});
const answerNodeDefinition = {
    type: 'answer',
    schema,
    normalize: (parsed, nodeId)=>(0, _nodedefinition.normalizeData)(parsed, 'answer', nodeId, {
            answer: parsed.answer
        }),
    references: (parsed)=>(0, _variablereference.parseVariableReferences)(parsed.answer).map((ref)=>({
                path: [
                    'answer'
                ],
                selector: ref.selector,
                raw: ref.raw
            })),
    outputFields: ()=>ANSWER_OUTPUT_FIELDS
};

//# sourceMappingURL=answer.node.js.map