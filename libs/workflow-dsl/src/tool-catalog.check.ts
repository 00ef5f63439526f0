// Tool nodes against what exists: the built-in providers and the tenant's MCP servers (a catalog the
// caller fills; this stays pure). An unknown provider or tool is an issue naming the node.
import type { ToolProviderType } from './nodes/tool.node';
import type { ValidationIssue } from './validation-issue';
import type { ToolNode, WorkflowGraph } from './workflow-graph.types';

export interface ToolCatalogProvider {
  /** The provider's tool names; null when they cannot be listed now (an MCP server that did not answer): not checked. */
  tools: ReadonlySet<string> | null;
}

export interface ToolCatalog {
  /** The provider, or undefined when there is none by that id (for the tenant). */
  provider(type: ToolProviderType, id: string): ToolCatalogProvider | undefined;
}

const isToolNode = (n: WorkflowGraph['nodes'][number]): n is ToolNode => n.data.type === 'tool';

/** The MCP server ids the graph's tool nodes name, so a caller can fetch just those. */
export function mcpProviderIds(graph: WorkflowGraph): string[] {
  const ids = new Set<string>();
  for (const n of graph.nodes) if (isToolNode(n) && n.data.provider_type === 'mcp') ids.add(n.data.provider_id);
  return [...ids];
}

export function checkToolNodes(graph: WorkflowGraph, catalog: ToolCatalog): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  graph.nodes.forEach((node, i) => {
    if (!isToolNode(node)) return;
    const { provider_type: type, provider_id: id, tool_name: tool } = node.data;
    const provider = catalog.provider(type, id);
    const what = type === 'mcp' ? 'MCP server' : 'built-in tool provider';
    if (!provider) {
      issues.push({
        path: `nodes[${i}].data.provider_id`,
        nodeId: node.id,
        code: 'invalid_value',
        message: `node '${node.id}': there is no ${what} '${id}'${type === 'mcp' ? ' registered for this tenant' : ''}`,
      });
      return;
    }
    if (provider.tools && !provider.tools.has(tool))
      issues.push({
        path: `nodes[${i}].data.tool_name`,
        nodeId: node.id,
        code: 'invalid_value',
        message: `node '${node.id}': ${what} '${id}' has no tool '${tool}' (it has: ${[...provider.tools].sort().join(', ') || 'none'})`,
      });
  });
  return issues;
}
