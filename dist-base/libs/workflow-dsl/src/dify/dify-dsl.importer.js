// importDifyDsl: a Dify app export (YAML) in, a Shoal workflow (graph ready for parseWorkflowGraph) out.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "importDifyDsl", {
    enumerable: true,
    get: function() {
        return importDifyDsl;
    }
});
const _noderegistry = require("../nodes/node-registry");
const _difygraphcleaner = require("./dify-graph.cleaner");
const _difymodelsmapper = require("./dify-models.mapper");
const _difynodetypescheck = require("./dify-node-types.check");
const _difyversion = require("./dify-version");
const _difyyamlreader = require("./dify-yaml.reader");
const RUNNABLE_MODES = [
    'workflow',
    'advanced-chat'
];
const MODE_NAMES = {
    chat: 'a Dify basic chatbot app',
    'agent-chat': 'a Dify agent app',
    completion: 'a Dify text generator app'
};
const SHOAL_RUNS = "Shoal runs 'workflow' and 'advanced-chat' (chatflow) apps";
function refuse(status, ...issues) {
    return {
        ok: false,
        status,
        issues
    };
}
function importDifyDsl(text, opts = {}) {
    if (typeof text !== 'string') return refuse(400, {
        path: '',
        code: 'invalid_input',
        message: 'the DSL must be YAML text'
    });
    const read = (0, _difyyamlreader.readDslYaml)(text, {
        maxBytes: opts.maxBytes ?? _difyyamlreader.DEFAULT_MAX_BYTES,
        maxAliasCount: opts.maxAliasCount ?? _difyyamlreader.DEFAULT_MAX_ALIAS_COUNT,
        maxDepth: opts.maxDepth ?? _difyyamlreader.DEFAULT_MAX_DEPTH
    });
    if (!read.ok) return refuse(400, read.issue);
    const doc = read.value;
    if (!(0, _difygraphcleaner.isJsonObject)(doc)) return refuse(422, {
        path: '',
        code: 'not_a_mapping',
        message: 'the DSL must be a YAML mapping with kind, version, app and workflow'
    });
    const envelope = checkEnvelope(doc);
    if (!envelope.ok) return refuse(422, ...envelope.issues);
    const warnings = envelope.warnings;
    const workflow = doc.workflow;
    const graph = (0, _difygraphcleaner.cleanDifyGraph)(workflow.graph, 'workflow.graph');
    const variables = checkVariables(workflow);
    if (graph.issues.length > 0 || variables.length > 0) return refuse(422, ...graph.issues, ...variables);
    warnings.push(...graph.warnings);
    const types = (0, _difynodetypescheck.checkNodeTypes)(graph.nodes, new Set(opts.supportedNodeTypes ?? _noderegistry.NODE_TYPES), 'workflow.graph.nodes');
    if (types.issues.length > 0) return refuse(422, ...types.issues);
    warnings.push(...types.warnings);
    const known = opts.knownModels === undefined ? undefined : new Set(opts.knownModels);
    warnings.push(...(0, _difymodelsmapper.mapModels)(graph.nodes, opts.modelMap ?? {}, known, 'workflow.graph.nodes'));
    const app = doc.app;
    return {
        ok: true,
        warnings,
        workflow: {
            name: typeof app.name === 'string' ? app.name : '',
            description: typeof app.description === 'string' ? app.description : '',
            mode: app.mode,
            graph: {
                nodes: graph.nodes,
                edges: graph.edges
            },
            features: (0, _difygraphcleaner.isJsonObject)(workflow.features) ? workflow.features : {},
            // checkVariables made sure each is absent, null or a list of mappings.
            environment_variables: Array.isArray(workflow.environment_variables) ? workflow.environment_variables : [],
            conversation_variables: Array.isArray(workflow.conversation_variables) ? workflow.conversation_variables : [],
            dsl_version: envelope.version
        }
    };
}
function checkEnvelope(doc) {
    if (doc.kind !== 'app') {
        const plainGraph = Array.isArray(doc.nodes) || (0, _difygraphcleaner.isJsonObject)(doc.graph);
        const what = doc.kind === undefined ? 'has no kind' : `has kind '${String(doc.kind)}'`;
        const hint = plainGraph ? '; it looks like a bare graph: create the workflow from it as JSON instead of importing it' : '';
        return {
            ok: false,
            issues: [
                {
                    path: 'kind',
                    code: 'not_an_app',
                    message: `the file ${what}; a Dify app export has kind: app${hint}`
                }
            ]
        };
    }
    const version = (0, _difyversion.checkDslVersion)(doc.version);
    if (!version.ok) return {
        ok: false,
        issues: [
            version.issue
        ]
    };
    const app = doc.app;
    if (!(0, _difygraphcleaner.isJsonObject)(app)) return {
        ok: false,
        issues: [
            {
                path: 'app',
                code: 'missing_app',
                message: 'app (name, mode, ...) is required'
            }
        ]
    };
    const mode = app.mode;
    if (typeof mode !== 'string' || !RUNNABLE_MODES.includes(mode)) {
        const what = typeof mode === 'string' ? `app.mode is '${mode}'${MODE_NAMES[mode] ? ` (${MODE_NAMES[mode]})` : ''}` : 'app.mode is missing';
        return {
            ok: false,
            issues: [
                {
                    path: 'app.mode',
                    code: 'unsupported_mode',
                    message: `${what}; ${SHOAL_RUNS}`
                }
            ]
        };
    }
    if (!(0, _difygraphcleaner.isJsonObject)(doc.workflow)) {
        return {
            ok: false,
            issues: [
                {
                    path: 'workflow',
                    code: 'missing_workflow',
                    message: `workflow (graph, features, variables) is required for a ${mode} app`
                }
            ]
        };
    }
    return {
        ok: true,
        version: version.version,
        warnings: version.warning ? [
            version.warning
        ] : []
    };
}
/** Environment and conversation variables: lists of mappings, each with a name. */ function checkVariables(workflow) {
    const issues = [];
    for (const key of [
        'environment_variables',
        'conversation_variables'
    ]){
        const list = workflow[key];
        if (list === undefined || list === null) continue;
        const path = `workflow.${key}`;
        if (!Array.isArray(list)) {
            issues.push({
                path,
                code: 'invalid_variables',
                message: `${path} must be a list`
            });
            continue;
        }
        list.forEach((v, i)=>{
            if (!(0, _difygraphcleaner.isJsonObject)(v) || typeof v.name !== 'string' || v.name === '') {
                issues.push({
                    path: `${path}[${i}]`,
                    code: 'invalid_variables',
                    message: `${path}[${i}] must be a mapping with a name`
                });
            }
        });
    }
    return issues;
}

//# sourceMappingURL=dify-dsl.importer.js.map