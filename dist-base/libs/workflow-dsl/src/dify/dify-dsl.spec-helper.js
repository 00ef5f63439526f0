// A small Dify export (start -> llm -> end), written the way Dify 1.x writes it, for the specs.
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
    get basicDoc () {
        return basicDoc;
    },
    get difyEdge () {
        return difyEdge;
    },
    get difyNode () {
        return difyNode;
    },
    get toYaml () {
        return toYaml;
    }
});
const _yaml = require("yaml");
function difyNode(id, data, x = 80, extra = {}) {
    return {
        data: {
            desc: '',
            selected: false,
            ...data
        },
        height: 54,
        id,
        position: {
            x,
            y: 282
        },
        positionAbsolute: {
            x,
            y: 282
        },
        selected: false,
        sourcePosition: 'right',
        targetPosition: 'left',
        type: 'custom',
        width: 244,
        ...extra
    };
}
function difyEdge(source, target, sourceType, targetType, extra = {}) {
    return {
        data: {
            isInIteration: false,
            isInLoop: false,
            sourceType,
            targetType
        },
        id: `${source}-source-${target}-target`,
        source,
        sourceHandle: 'source',
        target,
        targetHandle: 'target',
        type: 'custom',
        zIndex: 0,
        ...extra
    };
}
function basicDoc() {
    return {
        app: {
            description: 'a test',
            icon: '🤖',
            icon_background: '#FFEAD5',
            icon_type: 'emoji',
            mode: 'workflow',
            name: 'basic',
            use_icon_as_answer_icon: false
        },
        dependencies: [],
        kind: 'app',
        version: '0.3.1',
        workflow: {
            conversation_variables: [],
            environment_variables: [],
            features: {
                file_upload: {
                    enabled: false
                },
                opening_statement: ''
            },
            graph: {
                edges: [
                    difyEdge('1732000000001', 'llm', 'start', 'llm'),
                    difyEdge('llm', 'end', 'llm', 'end')
                ],
                nodes: [
                    difyNode('1732000000001', {
                        title: 'Start',
                        type: 'start',
                        variables: [
                            {
                                label: 'q',
                                max_length: 256,
                                options: [],
                                required: true,
                                type: 'text-input',
                                variable: 'q'
                            }
                        ]
                    }),
                    difyNode('llm', {
                        context: {
                            enabled: false,
                            variable_selector: []
                        },
                        model: {
                            completion_params: {
                                temperature: 0.7
                            },
                            mode: 'chat',
                            name: 'gpt-4o',
                            provider: 'langgenius/openai/openai'
                        },
                        prompt_template: [
                            {
                                id: 'p1',
                                role: 'user',
                                text: '{{#1732000000001.q#}}'
                            }
                        ],
                        title: 'LLM',
                        type: 'llm',
                        variables: [],
                        vision: {
                            enabled: false
                        }
                    }, 380),
                    difyNode('end', {
                        outputs: [
                            {
                                value_selector: [
                                    'llm',
                                    'text'
                                ],
                                value_type: 'string',
                                variable: 'answer'
                            }
                        ],
                        title: 'End',
                        type: 'end'
                    }, 680)
                ],
                viewport: {
                    x: 0,
                    y: 0,
                    zoom: 0.7
                }
            }
        }
    };
}
function toYaml(doc) {
    return (0, _yaml.stringify)(doc, {
        version: '1.1',
        sortMapEntries: true,
        aliasDuplicateObjects: false
    });
}

//# sourceMappingURL=dify-dsl.spec-helper.js.map