import { Inject, Injectable } from '@nestjs/common';
import { looksLikeId } from '@shoal/contracts';
import { parseWorkflowGraph, type ValidationIssue, type WorkflowGraph } from '@shoal/workflow-dsl';
import { ApiError, type FieldIssue, type RequestContext } from '@shoal/platform';
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
  constructor(@Inject(WorkflowsRepository) private readonly workflows: WorkflowsRepository) {}

  async create(ctx: RequestContext, input: { name: string; description?: string; graph: unknown }): Promise<WorkflowWithVersion> {
    const parsed = parseWorkflowGraph(input.graph);
    if (!parsed.ok) {
      const issues = toFieldIssues('graph', parsed.issues);
      throw ApiError.validation(
        `The workflow graph is invalid: ${issues[0].message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
        issues,
      );
    }
    return this.workflows.create(ctx.tenantId, { name: input.name, description: input.description ?? '', graph: parsed.graph });
  }

  async get(ctx: RequestContext, workflowId: string): Promise<WorkflowWithVersion & { graph: WorkflowGraph }> {
    if (!looksLikeId(workflowId, 'wf') || (ctx.workflowId && ctx.workflowId !== workflowId))
      throw ApiError.notFound('Workflow', workflowId);
    const wf = await this.workflows.findLatest(ctx.tenantId, workflowId);
    if (!wf) throw ApiError.notFound('Workflow', workflowId);
    return { ...wf, graph: wf.version.graph as WorkflowGraph };
  }
}
