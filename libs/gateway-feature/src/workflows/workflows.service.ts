import { Inject, Injectable } from '@nestjs/common';
import { looksLikeId } from '@shoal/contracts';
import {
  parseWorkflowGraph,
  validateRunInputs,
  type ValidateRunInputsResult,
  type ValidationIssue,
  type WorkflowGraph,
} from '@shoal/workflow-dsl';
import {
  ApiError,
  nonStringSecretPaths,
  sealWorkflowSecrets,
  secretValuePaths,
  type FieldIssue,
  type RequestContext,
  type SecretBox,
  type WorkflowLimits,
} from '@shoal/platform';
import { DEFAULT_WORKFLOW_LIMITS, SECRET_BOX, WORKFLOW_LIMITS } from './workflow-limits';
import { WorkflowsRepository, type WorkflowWithVersion } from './workflows.repository';

export function toFieldIssues(root: string, issues: ReadonlyArray<ValidationIssue>): FieldIssue[] {
  return issues.map((i) => ({
    path: !i.path ? root : i.path.startsWith('[') ? `${root}${i.path}` : `${root}.${i.path}`,
    message: i.message,
    code: i.code,
    ...(i.nodeId ? { node_id: i.nodeId } : {}),
  }));
}

@Injectable()
export class WorkflowsService {
  constructor(
    @Inject(WorkflowsRepository) private readonly workflows: WorkflowsRepository,
    @Inject(WORKFLOW_LIMITS) private readonly limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox | null = null,
  ) {}

  /**
   * The graph to store: its secret environment values sealed for the tenant. Without
   * SHOAL_SECRETS_KEY a graph carrying a secret value is refused (422), naming each one under `root`.
   */
  sealSecrets<G>(ctx: RequestContext, graph: G, root: string): G {
    const notStrings = nonStringSecretPaths(graph);
    if (notStrings.length)
      throw ApiError.validation(
        'A secret environment variable must hold a string',
        notStrings.map((p) => ({ path: `${root}.${p}`, message: 'must be a string', code: 'invalid_type' })),
      );
    if (this.secrets) return sealWorkflowSecrets(graph, ctx.tenantId, this.secrets);
    const paths = secretValuePaths(graph);
    if (paths.length === 0) return graph;
    // well-formed, but this deployment cannot keep it: 422, as for a node type Shoal does not run
    throw new ApiError(
      'validation_failed',
      'Secret environment variables cannot be stored: this gateway has no SHOAL_SECRETS_KEY to encrypt them with',
      {
        status: 422,
        issues: paths.map((p) => ({
          path: `${root}.${p}`,
          message: 'needs SHOAL_SECRETS_KEY on the gateway to be stored encrypted',
          code: 'unsupported',
        })),
      },
    );
  }

  /** The run inputs checked against the workflow's start form and the configured size bounds. */
  validateInputs(graph: WorkflowGraph, inputs: unknown): ValidateRunInputsResult {
    return validateRunInputs(graph, inputs, this.limits.inputs);
  }

  async create(ctx: RequestContext, input: { name: string; description?: string; graph: unknown }): Promise<WorkflowWithVersion> {
    const parsed = parseWorkflowGraph(input.graph, { limits: this.limits.graph });
    if (!parsed.ok) {
      const issues = toFieldIssues('graph', parsed.issues);
      throw ApiError.validation(
        `The workflow graph is invalid: ${issues[0].message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
        issues,
      );
    }
    const graph = this.sealSecrets(ctx, parsed.graph, 'graph');
    return this.workflows.create(ctx.tenantId, { name: input.name, description: input.description ?? '', graph });
  }

  async get(ctx: RequestContext, workflowId: string): Promise<WorkflowWithVersion & { graph: WorkflowGraph }> {
    if (!looksLikeId(workflowId, 'wf') || (ctx.workflowId && ctx.workflowId !== workflowId))
      throw ApiError.notFound('Workflow', workflowId);
    const wf = await this.workflows.findLatest(ctx.tenantId, workflowId);
    if (!wf) throw ApiError.notFound('Workflow', workflowId);
    return { ...wf, graph: wf.version.graph as WorkflowGraph };
  }
}
