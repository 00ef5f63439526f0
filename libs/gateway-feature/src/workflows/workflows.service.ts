import { Inject, Injectable, Optional } from '@nestjs/common';
import { looksLikeId } from '@shoal/contracts';
import {
  checkToolNodes,
  parseWorkflowGraph,
  validateRunInputs,
  type UploadedFileLookup,
  type ValidateRunInputsResult,
  type ValidationIssue,
  type WorkflowGraph,
} from '@shoal/workflow-dsl';
import {
  ApiError,
  LruCache,
  nonStringSecretPaths,
  sealWorkflowSecrets,
  secretValuePaths,
  type FieldIssue,
  type RequestContext,
  type SecretBox,
  type WorkflowLimits,
} from '@shoal/platform';
import { DEFAULT_WORKFLOW_LIMITS, SECRET_BOX, WORKFLOW_LIMITS } from './workflow-limits';
import { ToolsService } from '../tools/tools.service';
import { WorkflowsRepository, type VersionSummary, type WorkflowSummary, type WorkflowWithVersion } from './workflows.repository';

export function toFieldIssues(root: string, issues: ReadonlyArray<ValidationIssue>): FieldIssue[] {
  return issues.map((i) => ({
    path: !i.path ? root : i.path.startsWith('[') ? `${root}${i.path}` : `${root}.${i.path}`,
    message: i.message,
    code: i.code,
    ...(i.nodeId ? { node_id: i.nodeId } : {}),
  }));
}

/** A workflow as a run starts from it: `cached` when it came from WorkflowsService's cache rather than a read. */
export type WorkflowForRun = WorkflowWithVersion & { graph: WorkflowGraph; cached: boolean };

/** The run-start cache's bounds: entries, and the graphs' total size (their JSON's length, roughly) */
export const RUN_START_CACHE = { maxEntries: 256, maxBytes: 16 * 1024 * 1024, maxGraphBytes: 1024 * 1024, ttlMs: 5 * 60_000 };

@Injectable()
export class WorkflowsService {
  /**
   * The latest version of the workflows runs were started from, by tenant and workflow: a warm
   * entry saves each run's start a read of the workflow and its graph. Never trusted on its own:
   * the run's insert writes nothing unless that version is still the latest and the workflow not
   * archived (RunsRepository.createQueued), and a refusal drops the entry. Versions never change
   * once written, so a kept graph is never stale in itself; it is frozen, as runs share it.
   */
  private readonly forRuns = new LruCache<string, { wf: WorkflowWithVersion & { graph: WorkflowGraph }; bytes: number }>({
    maxEntries: RUN_START_CACHE.maxEntries,
    maxSize: RUN_START_CACHE.maxBytes,
    sizeOf: (e) => e.bytes,
    ttlMs: RUN_START_CACHE.ttlMs,
  });

  constructor(
    @Inject(WorkflowsRepository) private readonly workflows: WorkflowsRepository,
    @Inject(WORKFLOW_LIMITS) private readonly limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox | null = null,
    @Optional() @Inject(ToolsService) private readonly tools: ToolsService | null = null,
  ) {}

  /**
   * Tool nodes against the built-in providers and the tenant's MCP servers: an unknown provider or
   * tool is a 400 naming the node (under `root`). Without a ToolsService (unit tests) nothing is checked.
   */
  async checkTools(ctx: RequestContext, graph: WorkflowGraph, root: string): Promise<void> {
    if (!this.tools || !graph.nodes.some((n) => n.data.type === 'tool')) return;
    const issues = checkToolNodes(graph, await this.tools.catalogFor(ctx, graph));
    if (!issues.length) return;
    const fields = toFieldIssues(root, issues);
    throw ApiError.validation(
      `The workflow graph is invalid: ${fields[0].message}${fields.length > 1 ? ` (and ${fields.length - 1} more)` : ''}`,
      fields,
    );
  }

  /**
   * The graph to store: its secret environment values sealed for the tenant. Without
   * SHOAL_SECRET_KEY a graph carrying a secret value is refused (422), naming each one under `root`.
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
      'Secret environment variables cannot be stored: this gateway has no SHOAL_SECRET_KEY to encrypt them with',
      {
        status: 422,
        issues: paths.map((p) => ({
          path: `${root}.${p}`,
          message: 'needs SHOAL_SECRET_KEY on the gateway to be stored encrypted',
          code: 'unsupported',
        })),
      },
    );
  }

  /** The run inputs checked against the workflow's start form and the configured size bounds. */
  /** `uploads` resolves uploaded-file inputs (FilesService.lookupFor). */
  validateInputs(graph: WorkflowGraph, inputs: unknown, uploads?: UploadedFileLookup): ValidateRunInputsResult {
    return validateRunInputs(graph, inputs, this.limits.inputs, uploads);
  }

  async create(ctx: RequestContext, input: { name: string; description?: string; graph: unknown }): Promise<WorkflowWithVersion> {
    const parsed = this.parseGraph(input.graph);
    await this.checkTools(ctx, parsed, 'graph');
    const graph = this.sealSecrets(ctx, parsed, 'graph');
    return this.workflows.create(ctx.tenantId, { name: input.name, description: input.description ?? '', graph });
  }

  /** The graph validated and normalized, or a 400 naming every problem by its JSON path and node. */
  private parseGraph(input: unknown): WorkflowGraph {
    const parsed = parseWorkflowGraph(input, { limits: this.limits.graph });
    if (parsed.ok) return parsed.graph;
    const issues = toFieldIssues('graph', parsed.issues);
    throw ApiError.validation(
      `The workflow graph is invalid: ${issues[0].message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
      issues,
    );
  }

  list(ctx: RequestContext, q: { limit: number; after?: string }): Promise<{ workflows: WorkflowSummary[]; hasMore: boolean }> {
    return this.workflows.list(ctx.tenantId, { ...q, ...(ctx.workflowId ? { only: ctx.workflowId } : {}) });
  }

  async update(ctx: RequestContext, workflowId: string, patch: { name?: string; description?: string }) {
    this.forget(ctx.tenantId, workflowId);
    if (!looksLikeId(workflowId, 'wf') || !(await this.workflows.update(ctx.tenantId, workflowId, patch)))
      throw ApiError.notFound('Workflow', workflowId);
    return this.get(ctx, workflowId);
  }

  async archive(ctx: RequestContext, workflowId: string): Promise<void> {
    this.forget(ctx.tenantId, workflowId);
    if (!looksLikeId(workflowId, 'wf') || !(await this.workflows.archive(ctx.tenantId, workflowId)))
      throw ApiError.notFound('Workflow', workflowId);
  }

  /** Publishes a new version: runs started from now on use it; running ones keep theirs. */
  async publish(ctx: RequestContext, workflowId: string, graphInput: unknown): Promise<WorkflowWithVersion> {
    if (!looksLikeId(workflowId, 'wf')) throw ApiError.notFound('Workflow', workflowId);
    const parsed = this.parseGraph(graphInput);
    await this.checkTools(ctx, parsed, 'graph');
    const graph = keepSecretsOf(await this.workflows.findLatest(ctx.tenantId, workflowId), this.sealSecrets(ctx, parsed, 'graph'));
    const wf = await this.workflows.addVersion(ctx.tenantId, workflowId, graph);
    this.forget(ctx.tenantId, workflowId);
    if (!wf) throw ApiError.notFound('Workflow', workflowId);
    return wf;
  }

  async versions(
    ctx: RequestContext,
    workflowId: string,
    q: { limit: number; before?: number },
  ): Promise<{ versions: VersionSummary[]; hasMore: boolean }> {
    const found = this.readable(ctx, workflowId) ? await this.workflows.listVersions(ctx.tenantId, workflowId, q) : null;
    if (!found) throw ApiError.notFound('Workflow', workflowId);
    return found;
  }

  async version(ctx: RequestContext, workflowId: string, number: number): Promise<VersionSummary & { graph: unknown }> {
    const found = this.readable(ctx, workflowId) ? await this.workflows.findVersion(ctx.tenantId, workflowId, number) : null;
    if (!found) throw ApiError.notFound(`Version ${number} of workflow`, workflowId);
    return found;
  }

  /** A well-formed id, and the workflow the caller's key is bound to (if it is bound). */
  private readable(ctx: RequestContext, workflowId: string): boolean {
    return looksLikeId(workflowId, 'wf') && (!ctx.workflowId || ctx.workflowId === workflowId);
  }

  /**
   * The workflow a run starts from: from the cache while its entry is warm (`fresh`: read it,
   * and keep what was read). The caller writes the run with RunsRepository.createQueued, which
   * refuses a version no longer the latest; it then starts again from a fresh read. A read drops
   * the entry first: a workflow the read finds gone (archived) leaves none behind.
   */
  async forRun(ctx: RequestContext, workflowId: string, fresh = false): Promise<WorkflowForRun> {
    if (!this.readable(ctx, workflowId)) throw ApiError.notFound('Workflow', workflowId);
    const key = cacheKey(ctx.tenantId, workflowId);
    const hit = fresh ? undefined : this.forRuns.get(key);
    if (hit) return { ...hit.wf, cached: true };
    this.forRuns.delete(key);
    const wf = await this.get(ctx, workflowId);
    const bytes = frozenSize(wf.version.graph, RUN_START_CACHE.maxGraphBytes);
    if (bytes !== undefined) this.forRuns.set(key, { wf, bytes });
    return { ...wf, cached: false };
  }

  /** Drops the workflow's cached version (it changed here). */
  forget(tenantId: string, workflowId: string): void {
    this.forRuns.delete(cacheKey(tenantId, workflowId));
  }

  async get(ctx: RequestContext, workflowId: string): Promise<WorkflowWithVersion & { graph: WorkflowGraph }> {
    if (!this.readable(ctx, workflowId)) throw ApiError.notFound('Workflow', workflowId);
    const wf = await this.workflows.findLatest(ctx.tenantId, workflowId);
    if (!wf) throw ApiError.notFound('Workflow', workflowId);
    return { ...wf, graph: wf.version.graph as WorkflowGraph };
  }
}

function cacheKey(tenantId: string, workflowId: string): string {
  return `${tenantId}\u0000${workflowId}`;
}

/**
 * The rough size of a graph as read from its JSON (string lengths, and a few bytes a value), once
 * it is frozen throughout; undefined (and left as it was) when it is larger than `max`: then it is
 * not kept, and the walk stopped there.
 */
export function frozenSize(graph: unknown, max: number): number | undefined {
  const seen: object[] = [];
  let bytes = 0;
  const walk = (v: unknown): boolean => {
    if (typeof v === 'string') bytes += v.length + 2;
    else if (v === null || typeof v !== 'object') bytes += 8;
    else {
      seen.push(v);
      for (const [k, item] of Object.entries(v)) {
        bytes += k.length + 4;
        if (bytes > max || !walk(item)) return false;
      }
    }
    return bytes <= max;
  };
  if (!walk(graph)) return undefined;
  for (const o of seen) Object.freeze(o);
  return bytes;
}

/**
 * A secret environment variable published blank (as every API answer shows it) keeps the value the
 * latest version sealed for it: a client that edits a graph it read back does not erase its secrets.
 */
function keepSecretsOf(latest: WorkflowWithVersion | null, graph: WorkflowGraph): WorkflowGraph {
  const previous = (latest?.version.graph as { environment_variables?: unknown } | undefined)?.environment_variables;
  if (!Array.isArray(previous) || !Array.isArray(graph.environment_variables)) return graph;
  const sealed = new Map<string, unknown>();
  for (const v of previous as Array<{ name?: unknown; value_type?: unknown; value?: unknown }>)
    if (v.value_type === 'secret' && typeof v.name === 'string' && v.value !== '') sealed.set(v.name, v.value);
  return {
    ...graph,
    environment_variables: graph.environment_variables.map((v) =>
      v.value_type === 'secret' && v.value === '' && sealed.has(v.name) ? { ...v, value: sealed.get(v.name) as string } : v,
    ),
  };
}
