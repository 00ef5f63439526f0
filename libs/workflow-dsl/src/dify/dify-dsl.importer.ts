// importDifyDsl: a Dify app export (YAML) in, a Shoal workflow (graph ready for parseWorkflowGraph) out.
import { NODE_TYPES } from '../nodes/node-registry';
import type { DifyAppMode, DifyImportIssue, DifyImportOptions, DifyImportResult, DifyImportWarning, JsonObject } from './dify-dsl.types';
import { cleanDifyGraph, isJsonObject } from './dify-graph.cleaner';
import { mapModels } from './dify-models.mapper';
import { checkNodeTypes } from './dify-node-types.check';
import { checkDslVersion } from './dify-version';
import { DEFAULT_MAX_ALIAS_COUNT, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, readDslYaml } from './dify-yaml.reader';

const RUNNABLE_MODES: readonly DifyAppMode[] = ['workflow', 'advanced-chat'];
const MODE_NAMES: Readonly<Record<string, string>> = {
  chat: 'a Dify basic chatbot app',
  'agent-chat': 'a Dify agent app',
  completion: 'a Dify text generator app',
};
const SHOAL_RUNS = "Shoal runs 'workflow' and 'advanced-chat' (chatflow) apps";

function refuse(status: 400 | 422, ...issues: DifyImportIssue[]): DifyImportResult {
  return { ok: false, status, issues };
}

export function importDifyDsl(text: string, opts: DifyImportOptions = {}): DifyImportResult {
  if (typeof text !== 'string') return refuse(400, { path: '', code: 'invalid_input', message: 'the DSL must be YAML text' });
  const read = readDslYaml(text, {
    maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
    maxAliasCount: opts.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT,
    maxDepth: opts.maxDepth ?? DEFAULT_MAX_DEPTH,
  });
  if (!read.ok) return refuse(400, read.issue);
  const doc = read.value;
  if (!isJsonObject(doc))
    return refuse(422, { path: '', code: 'not_a_mapping', message: 'the DSL must be a YAML mapping with kind, version, app and workflow' });
  const envelope = checkEnvelope(doc);
  if (!envelope.ok) return refuse(422, ...envelope.issues);
  const warnings: DifyImportWarning[] = envelope.warnings;
  const workflow = doc.workflow as JsonObject;
  const graph = cleanDifyGraph(workflow.graph, 'workflow.graph');
  const variables = checkVariables(workflow);
  if (graph.issues.length > 0 || variables.length > 0) return refuse(422, ...graph.issues, ...variables);
  warnings.push(...graph.warnings);
  const types = checkNodeTypes(graph.nodes, new Set(opts.supportedNodeTypes ?? NODE_TYPES), 'workflow.graph.nodes');
  if (types.issues.length > 0) return refuse(422, ...types.issues);
  warnings.push(...types.warnings);
  const known = opts.knownModels === undefined ? undefined : new Set(opts.knownModels);
  warnings.push(...mapModels(graph.nodes, opts.modelMap ?? {}, known, 'workflow.graph.nodes'));
  const app = doc.app as JsonObject;
  return {
    ok: true,
    warnings,
    workflow: {
      name: typeof app.name === 'string' ? app.name : '',
      description: typeof app.description === 'string' ? app.description : '',
      mode: app.mode as DifyAppMode,
      graph: { nodes: graph.nodes, edges: graph.edges },
      features: isJsonObject(workflow.features) ? workflow.features : {},
      // checkVariables made sure each is absent, null or a list of mappings.
      environment_variables: Array.isArray(workflow.environment_variables) ? (workflow.environment_variables as JsonObject[]) : [],
      conversation_variables: Array.isArray(workflow.conversation_variables) ? (workflow.conversation_variables as JsonObject[]) : [],
      dsl_version: envelope.version,
    },
  };
}

type EnvelopeResult = { ok: true; version: string; warnings: DifyImportWarning[] } | { ok: false; issues: DifyImportIssue[] };

function checkEnvelope(doc: JsonObject): EnvelopeResult {
  if (doc.kind !== 'app') {
    const plainGraph = Array.isArray(doc.nodes) || isJsonObject(doc.graph);
    const what = doc.kind === undefined ? 'has no kind' : `has kind '${String(doc.kind)}'`;
    const hint = plainGraph ? '; it looks like a bare graph: create the workflow from it as JSON instead of importing it' : '';
    return {
      ok: false,
      issues: [{ path: 'kind', code: 'not_an_app', message: `the file ${what}; a Dify app export has kind: app${hint}` }],
    };
  }
  const version = checkDslVersion(doc.version);
  if (!version.ok) return { ok: false, issues: [version.issue] };
  const app = doc.app;
  if (!isJsonObject(app))
    return { ok: false, issues: [{ path: 'app', code: 'missing_app', message: 'app (name, mode, ...) is required' }] };
  const mode = app.mode;
  if (typeof mode !== 'string' || !(RUNNABLE_MODES as readonly string[]).includes(mode)) {
    const what =
      typeof mode === 'string' ? `app.mode is '${mode}'${MODE_NAMES[mode] ? ` (${MODE_NAMES[mode]})` : ''}` : 'app.mode is missing';
    return { ok: false, issues: [{ path: 'app.mode', code: 'unsupported_mode', message: `${what}; ${SHOAL_RUNS}` }] };
  }
  if (!isJsonObject(doc.workflow)) {
    return {
      ok: false,
      issues: [
        { path: 'workflow', code: 'missing_workflow', message: `workflow (graph, features, variables) is required for a ${mode} app` },
      ],
    };
  }
  return { ok: true, version: version.version, warnings: version.warning ? [version.warning] : [] };
}

/** Environment and conversation variables: lists of mappings, each with a name. */
function checkVariables(workflow: JsonObject): DifyImportIssue[] {
  const issues: DifyImportIssue[] = [];
  for (const key of ['environment_variables', 'conversation_variables'] as const) {
    const list = workflow[key];
    if (list === undefined || list === null) continue;
    const path = `workflow.${key}`;
    if (!Array.isArray(list)) {
      issues.push({ path, code: 'invalid_variables', message: `${path} must be a list` });
      continue;
    }
    list.forEach((v: unknown, i) => {
      if (!isJsonObject(v) || typeof v.name !== 'string' || v.name === '') {
        issues.push({ path: `${path}[${i}]`, code: 'invalid_variables', message: `${path}[${i}] must be a mapping with a name` });
      }
    });
  }
  return issues;
}
