// The shapes importDifyDsl and exportDifyDsl take and return.

export type DifyAppMode = 'workflow' | 'advanced-chat';

/** Plain JSON, as YAML decodes it. */
export type JsonObject = { [key: string]: unknown };

export type DifyImportIssueCode =
  | 'invalid_input'
  | 'too_large'
  | 'too_deep'
  | 'too_many_aliases'
  | 'yaml_syntax'
  | 'not_a_mapping'
  | 'not_an_app'
  | 'invalid_version'
  | 'unsupported_version'
  | 'missing_app'
  | 'unsupported_mode'
  | 'missing_workflow'
  | 'invalid_graph'
  | 'invalid_variables'
  | 'unsupported_node_type';

/** Shaped like the DSL's ValidationIssue, plus where in the YAML text a syntax error sits. */
export interface DifyImportIssue {
  /** Rooted at the YAML document: `workflow.graph.nodes[3].data.type`; '' for the whole text. */
  path: string;
  code: DifyImportIssueCode;
  message: string;
  nodeId?: string;
  /** 1-based, for YAML syntax errors. */
  line?: number;
  column?: number;
}

export type DifyImportWarningCode = 'model_not_served' | 'note_dropped' | 'legacy_node_type' | 'newer_patch_version';

export interface DifyImportWarning {
  path: string;
  code: DifyImportWarningCode;
  message: string;
  nodeId?: string;
}

/** What an import yields: ready for parseWorkflowGraph (graph) and for storing (the rest). */
export interface ImportedDifyWorkflow {
  name: string;
  description: string;
  mode: DifyAppMode;
  graph: { nodes: JsonObject[]; edges: JsonObject[] };
  features: JsonObject;
  environment_variables: JsonObject[];
  conversation_variables: JsonObject[];
  /** The file's `version`, '0.1.0' when it had none (as Dify assumes). */
  dsl_version: string;
}

export type DifyImportResult =
  { ok: true; workflow: ImportedDifyWorkflow; warnings: DifyImportWarning[] } | { ok: false; status: 400 | 422; issues: DifyImportIssue[] };

export interface DifyImportOptions {
  /** Dify model name -> Shoal model alias. Names not listed keep their name as the alias. */
  modelMap?: Readonly<Record<string, string>>;
  /** Aliases Shoal serves; an LLM node whose (mapped) model is not among them gets a warning. */
  knownModels?: ReadonlySet<string> | readonly string[];
  /** Node types the importer accepts; defaults to the DSL's NODE_TYPES. */
  supportedNodeTypes?: Iterable<string>;
  /** Largest accepted text, in UTF-8 bytes; default 10 MiB (Dify's DSL_MAX_SIZE). */
  maxBytes?: number;
  /** Most YAML aliases that may be expanded; default 100. */
  maxAliasCount?: number;
  /** Deepest nesting of mappings and sequences; default 64. */
  maxDepth?: number;
}

/** What exportDifyDsl needs: an imported workflow, or a stored Shoal workflow with its graph. */
export interface ExportableWorkflow {
  name: string;
  description?: string;
  mode: DifyAppMode;
  /** Plain JSON or a parsed WorkflowGraph; both are objects with nodes and edges. */
  graph: { nodes: readonly object[]; edges: readonly object[] };
  features?: JsonObject;
  environment_variables?: readonly JsonObject[];
  conversation_variables?: readonly JsonObject[];
}
