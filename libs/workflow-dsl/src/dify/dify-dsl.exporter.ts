// exportDifyDsl: a Shoal workflow out as a Dify app export (YAML) that Dify's importer and editor accept.
import type { ExportableWorkflow, JsonObject } from './dify-dsl.types';
import { isJsonObject } from './dify-graph.cleaner';
import { layoutPositions, type XY } from './dify-layout';
import { DIFY_DSL_VERSION } from './dify-version';
import { yaml } from './yaml-module';

export interface DifyExportOptions {
  /** Keep the values of secret environment variables; Dify blanks them unless asked (include_secret). */
  includeSecrets?: boolean;
}

/** React Flow node types of Dify's editor: container start nodes have their own. */
const FLOW_NODE_TYPE: Readonly<Record<string, string>> = { 'iteration-start': 'custom-iteration-start', 'loop-start': 'custom-loop-start' };
/** Dify's z-index for nodes and edges inside an iteration or loop (ITERATION_CHILDREN_Z_INDEX). */
const CHILD_Z_INDEX = 1002;
const EDGE_DATA_KEYS = ['isInIteration', 'isInLoop', 'iteration_id', 'loop_id'] as const;

/** What a freshly created Dify workflow carries, for workflows that never had features. */
const DEFAULT_FEATURES: JsonObject = {
  file_upload: { enabled: false },
  opening_statement: '',
  retriever_resource: { enabled: true },
  sensitive_word_avoidance: { enabled: false },
  speech_to_text: { enabled: false },
  suggested_questions: [],
  suggested_questions_after_answer: { enabled: false },
  text_to_speech: { enabled: false, language: '', voice: '' },
};

interface NodeView {
  id: string;
  /** As given: an export writes back what it read, even where it is not valid. */
  raw: JsonObject;
  data: JsonObject;
  parentId?: string;
  position?: XY;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function xy(value: unknown): XY | undefined {
  return isJsonObject(value) && typeof value.x === 'number' && typeof value.y === 'number' ? { x: value.x, y: value.y } : undefined;
}

export function exportDifyDsl(workflow: ExportableWorkflow, opts: DifyExportOptions = {}): string {
  const nodes: NodeView[] = workflow.graph.nodes.filter(isJsonObject).map((n) => ({
    id: String(n.id),
    raw: n,
    data: isJsonObject(n.data) ? n.data : {},
    parentId: str(n.parentId),
    position: xy(n.position),
  }));
  const rawEdges = workflow.graph.edges.filter(isJsonObject);
  const edgeEnds = rawEdges.map((e) => ({ source: String(e.source), target: String(e.target) }));
  const generated = layoutPositions(nodes, edgeEnds);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const typeOf = (id: string): string => String(byId.get(id)?.data.type ?? '');

  const exportNodes = nodes.map((n) => {
    const type = String(n.data.type ?? '');
    const out: JsonObject = {
      data: n.raw.data,
      id: n.raw.id,
      position: n.position ?? generated.get(n.id),
      sourcePosition: 'right',
      targetPosition: 'left',
      type: FLOW_NODE_TYPE[type] ?? 'custom',
    };
    if (n.raw.parentId !== undefined && n.raw.parentId !== null) out.parentId = n.raw.parentId;
    if (n.parentId) out.zIndex = CHILD_Z_INDEX;
    if (FLOW_NODE_TYPE[type]) {
      out.draggable = false;
      out.selectable = false;
    }
    if (typeof n.data.width === 'number' && typeof n.data.height === 'number') {
      out.width = n.data.width;
      out.height = n.data.height;
    }
    return out;
  });

  const exportEdges = rawEdges.map((e, i) => {
    const { source, target } = edgeEnds[i];
    const sourceHandle = str(e.sourceHandle) ?? 'source';
    const targetHandle = str(e.targetHandle) ?? 'target';
    const data: JsonObject = { sourceType: typeOf(source), targetType: typeOf(target) };
    if (isJsonObject(e.data)) for (const key of EDGE_DATA_KEYS) if (e.data[key] !== undefined) data[key] = e.data[key];
    const inside = Boolean(byId.get(source)?.parentId);
    const named = typeof e.source === 'string' && typeof e.target === 'string';
    return {
      data,
      id: e.id ?? (named ? `${source}-${sourceHandle}-${target}-${targetHandle}` : undefined),
      source: e.source,
      sourceHandle: e.sourceHandle ?? sourceHandle,
      target: e.target,
      targetHandle: e.targetHandle ?? targetHandle,
      type: 'custom',
      zIndex: inside ? CHILD_Z_INDEX : 0,
    };
  });

  const environment = (workflow.environment_variables ?? []).map((v) =>
    v.value_type === 'secret' && !opts.includeSecrets ? { ...v, value: '' } : v,
  );
  const doc = {
    app: {
      description: workflow.description ?? '',
      icon: '🤖',
      icon_background: '#FFEAD5',
      icon_type: 'emoji',
      mode: workflow.mode,
      name: workflow.name,
      use_icon_as_answer_icon: false,
    },
    dependencies: [],
    kind: 'app',
    version: DIFY_DSL_VERSION,
    workflow: {
      conversation_variables: workflow.conversation_variables ?? [],
      environment_variables: environment,
      features: workflow.features && Object.keys(workflow.features).length > 0 ? workflow.features : DEFAULT_FEATURES,
      graph: { edges: exportEdges, nodes: exportNodes, viewport: { x: 0, y: 0, zoom: 1 } },
    },
  };
  // YAML 1.1 as PyYAML reads it (so 'yes', 'on', '0777' and dates stay strings); keys sorted as
  // PyYAML's dump sorts them; no anchors for objects that appear twice; no line folding.
  return yaml().stringify(doc, { version: '1.1', sortMapEntries: true, aliasDuplicateObjects: false, lineWidth: 0 });
}
