// Dify DSL in and out: a Dify app export becomes a Shoal workflow, and a workflow's latest version
// goes back out as a Dify app export.
import { Inject, Injectable } from '@nestjs/common';
import {
  exportDifyDsl,
  importDifyDsl,
  parseWorkflowGraph,
  type DifyAppMode,
  type DifyImportIssue,
  type DifyImportWarning,
  type ImportedDifyWorkflow,
  type ValidationIssue,
} from '@shoal/workflow-dsl';
import { ApiError, type FieldIssue, type RequestContext } from '@shoal/platform';
import { ModelPoolClient } from '../openai/model-pool.client';
import type { ImportWorkflowRequest } from './import-workflow.request';
import { WorkflowsRepository, type WorkflowWithVersion } from './workflows.repository';
import { WorkflowsService } from './workflows.service';

/** How long an import waits for model-pool's list of aliases before it goes on without the warnings. */
const MODEL_LIST_TIMEOUT_MS = 2_000;
const MAX_NAME_LENGTH = 200;
const MAX_DESCRIPTION_LENGTH = 2_000;

/**
 * A version's stored graph, for an imported workflow: nodes and edges as Dify wrote them (UI fields
 * dropped), the workflow-level variables where the engine reads them, and what only an export needs.
 */
interface StoredDifyGraph {
  nodes: object[];
  edges: object[];
  environment_variables: object[];
  conversation_variables: object[];
  mode: DifyAppMode;
  features: Record<string, unknown>;
}

export interface ImportedWorkflow {
  workflow: WorkflowWithVersion;
  warnings: DifyImportWarning[];
}

@Injectable()
export class WorkflowDslService {
  constructor(
    @Inject(WorkflowsRepository) private readonly repository: WorkflowsRepository,
    @Inject(WorkflowsService) private readonly workflows: WorkflowsService,
    @Inject(ModelPoolClient) private readonly modelPool: ModelPoolClient,
  ) {}

  /** Checks everything before writing: a refused import stores nothing. */
  async import(ctx: RequestContext, request: ImportWorkflowRequest): Promise<ImportedWorkflow> {
    const knownModels = (await this.modelPool.modelNames(ctx, MODEL_LIST_TIMEOUT_MS)) ?? undefined;
    const result = importDifyDsl(request.yaml, { modelMap: request.modelMap, knownModels });
    if (!result.ok) throw importRefused(result.status, result.issues);
    const graph = storedGraphOf(result.workflow);
    const parsed = parseWorkflowGraph(graph);
    if (!parsed.ok) throw importRefused(422, parsed.issues.map(inDocument));
    await this.workflows.checkTools(ctx, parsed.graph, 'workflow.graph');
    const wf = result.workflow;
    const workflow = await this.repository.create(ctx.tenantId, {
      name: (wf.name.trim() || 'Imported workflow').slice(0, MAX_NAME_LENGTH),
      description: wf.description.slice(0, MAX_DESCRIPTION_LENGTH),
      graph: this.workflows.sealSecrets(ctx, graph, 'workflow'),
    });
    return { workflow, warnings: result.warnings };
  }

  /** The latest version as a Dify app export, secret environment values blanked. */
  async export(ctx: RequestContext, workflowId: string): Promise<string> {
    const wf = await this.workflows.get(ctx, workflowId);
    const stored = wf.version.graph as Partial<StoredDifyGraph> & { nodes: object[]; edges: object[] };
    return exportDifyDsl({
      name: wf.name,
      description: wf.description,
      mode: stored.mode === 'workflow' || stored.mode === 'advanced-chat' ? stored.mode : modeOf(stored.nodes),
      graph: { nodes: stored.nodes, edges: stored.edges },
      features: isRecord(stored.features) ? stored.features : undefined,
      environment_variables: Array.isArray(stored.environment_variables)
        ? (stored.environment_variables as Array<Record<string, unknown>>)
        : undefined,
      conversation_variables: Array.isArray(stored.conversation_variables)
        ? (stored.conversation_variables as Array<Record<string, unknown>>)
        : undefined,
    });
  }
}

function storedGraphOf(wf: ImportedDifyWorkflow): StoredDifyGraph {
  return {
    nodes: wf.graph.nodes,
    edges: wf.graph.edges,
    environment_variables: wf.environment_variables,
    conversation_variables: wf.conversation_variables,
    mode: wf.mode,
    features: wf.features,
  };
}

/** A workflow created as JSON has no mode: answer nodes make it a chatflow, as in Dify. */
function modeOf(nodes: readonly object[]): DifyAppMode {
  return nodes.some((n) => isRecord(n) && isRecord(n.data) && n.data.type === 'answer') ? 'advanced-chat' : 'workflow';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** parseWorkflowGraph's issues are rooted at the graph; the importer's at the YAML document. */
function inDocument(issue: ValidationIssue): DifyImportIssue {
  const variables = issue.path.startsWith('environment_variables') || issue.path.startsWith('conversation_variables');
  const root = variables ? 'workflow' : 'workflow.graph';
  const path = !issue.path ? root : issue.path.startsWith('[') ? `${root}${issue.path}` : `${root}.${issue.path}`;
  return { path, code: 'invalid_graph', message: issue.message, ...(issue.nodeId ? { nodeId: issue.nodeId } : {}) };
}

function importRefused(status: 400 | 422, issues: DifyImportIssue[]): ApiError {
  const fieldIssues: FieldIssue[] = issues.map((i) => ({
    path: i.path,
    message: i.message,
    code: i.code,
    ...(i.nodeId ? { node_id: i.nodeId } : {}),
    ...(i.line !== undefined ? { line: i.line } : {}),
    ...(i.column !== undefined ? { column: i.column } : {}),
  }));
  const first = issues[0];
  if (status === 400) {
    const where =
      first.line !== undefined && !first.message.includes(`line ${first.line}`) ? ` (line ${first.line}, column ${first.column ?? 1})` : '';
    return new ApiError(
      first.code === 'yaml_syntax' ? 'invalid_yaml' : 'invalid_request',
      `The Dify DSL cannot be read: ${first.message}${where}`,
      { issues: fieldIssues },
    );
  }
  const unsupported = issues.filter((i) => i.code === 'unsupported_node_type');
  // every unsupported node named at once, so one round of edits in Dify can fix them all
  const detail =
    unsupported.length === issues.length
      ? `${unsupported.length} node(s) have a type Shoal does not run: ${unsupported.map((i) => i.message.replace(/, which Shoal does not run.*$/, '')).join('; ')}${first.message.match(/; supported types: .*$/)?.[0] ?? ''}`
      : `${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`;
  return new ApiError('unprocessable_content', `The Dify app cannot be imported: ${detail}`, { issues: fieldIssues });
}
