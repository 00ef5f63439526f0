// Which imported nodes Shoal can run: every unsupported node is reported at once, not the first.
import type { DifyImportIssue, DifyImportWarning, JsonObject } from './dify-dsl.types';
import { isJsonObject } from './dify-graph.cleaner';

/** Nodes that only exist inside a container and come with it. */
const CONTAINER_PARTS: Readonly<Record<string, string>> = { 'iteration-start': 'iteration', 'loop-start': 'loop', 'loop-end': 'loop' };
/** Dify's old name for the variable aggregator (NodeType.LEGACY_VARIABLE_AGGREGATOR). */
const LEGACY_TYPES: Readonly<Record<string, string>> = { 'variable-assigner': 'variable-aggregator' };

export interface NodeTypeCheck {
  issues: DifyImportIssue[];
  warnings: DifyImportWarning[];
}

export function isSupportedType(type: string, supported: ReadonlySet<string>): boolean {
  if (supported.has(type)) return true;
  const container = CONTAINER_PARTS[type];
  return container !== undefined && supported.has(container);
}

/** Renames legacy types in place (when the new name is supported) and lists the unsupported nodes. */
export function checkNodeTypes(nodes: JsonObject[], supported: ReadonlySet<string>, at: string): NodeTypeCheck {
  const check: NodeTypeCheck = { issues: [], warnings: [] };
  const list = [...supported].sort().join(', ');
  nodes.forEach((node, i) => {
    const data = node.data;
    if (!isJsonObject(data) || typeof data.type !== 'string') return; // parseWorkflowGraph reports these
    const id = typeof node.id === 'string' ? node.id : undefined;
    const path = `${at}[${i}].data.type`;
    const renamed = LEGACY_TYPES[data.type];
    if (renamed !== undefined && !supported.has(data.type) && supported.has(renamed)) {
      check.warnings.push({
        path,
        nodeId: id,
        code: 'legacy_node_type',
        message: `node '${id ?? i}': Dify's legacy type '${data.type}' was read as '${renamed}'`,
      });
      data.type = renamed;
      return;
    }
    if (!isSupportedType(data.type, supported)) {
      check.issues.push({
        path,
        nodeId: id,
        code: 'unsupported_node_type',
        message: `node '${id ?? i}' (${at}[${i}]) has type '${data.type}', which Shoal does not run; supported types: ${list}`,
      });
    }
  });
  return check;
}
