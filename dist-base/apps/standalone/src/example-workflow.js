// The example printed at start-up: start -> llm (mock-chat) -> end, created once per data dir.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "EXAMPLE_WORKFLOW", {
    enumerable: true,
    get: function() {
        return EXAMPLE_WORKFLOW;
    }
});
const EXAMPLE_WORKFLOW = {
    name: 'Example: answer a question',
    description: 'Created by standalone mode on first start. Uses mock-chat, the built-in mock model (a test and demo tool, not a real LLM).',
    graph: {
        nodes: [
            {
                id: 'start',
                data: {
                    type: 'start',
                    title: 'Start',
                    variables: [
                        {
                            variable: 'question',
                            label: 'Question',
                            type: 'paragraph',
                            required: true,
                            max_length: 4000
                        }
                    ]
                }
            },
            {
                id: 'answer',
                data: {
                    type: 'llm',
                    title: 'Answer',
                    model: {
                        provider: 'mock',
                        name: 'mock-chat',
                        mode: 'chat',
                        completion_params: {
                            temperature: 0.2
                        }
                    },
                    prompt_template: [
                        {
                            role: 'system',
                            text: 'You answer in one short paragraph.'
                        },
                        {
                            role: 'user',
                            text: '{{#start.question#}}'
                        }
                    ]
                }
            },
            {
                id: 'end',
                data: {
                    type: 'end',
                    title: 'End',
                    outputs: [
                        {
                            variable: 'answer',
                            value_selector: [
                                'answer',
                                'text'
                            ]
                        }
                    ]
                }
            }
        ],
        edges: [
            {
                source: 'start',
                target: 'answer'
            },
            {
                source: 'answer',
                target: 'end'
            }
        ]
    }
};

//# sourceMappingURL=example-workflow.js.map