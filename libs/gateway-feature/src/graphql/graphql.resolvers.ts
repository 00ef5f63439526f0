// Resolvers over the same services as REST, so GraphQL and REST answer alike: the caller's tenant
// and key binding scope every read, scopes guard every write, and lists batch (loaders) instead of
// querying once per parent.
import { runStatusFromColumn, type RunEvent, type RunStatusColumn } from '@shoal/contracts';
import { ApiError, blankWorkflowSecrets, holdsScope, type RequestContext, type Scope } from '@shoal/platform';
import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import type { GatewayBillingClient } from '../usage/billing.client';
import type { ConversationsService } from '../conversations/conversations.service';
import { fileContentUrl } from '../files/file.presenter';
import type { FileRow } from '../files/files.repository';
import type { FilesService } from '../files/files.service';
import type { RunsRepository, RunRow } from '../runs/runs.repository';
import type { RunsService } from '../runs/runs.service';
import type { WorkflowDslService } from '../workflows/workflow-dsl.service';
import type { WorkflowsRepository, WorkflowSummary, WorkflowWithVersion } from '../workflows/workflows.repository';
import type { WorkflowsService } from '../workflows/workflows.service';
import { DEFAULT_LIST_SIZE, MAX_LIST_SIZE } from './complexity.rule';

export interface GraphqlServices {
  workflows: WorkflowsService;
  workflowsRepository: WorkflowsRepository;
  dsl: WorkflowDslService;
  runs: RunsService;
  runsRepository: RunsRepository;
  billing: GatewayBillingClient;
  conversations: ConversationsService;
  files: FilesService;
}

/** What every resolver gets: the caller, authenticated before the query was read. */
export type GraphqlContext = Partial<MercuriusContext> & { shoal?: RequestContext };

type Obj = Record<string, unknown>;

export function caller(context: GraphqlContext, scope: Scope): RequestContext {
  const ctx = context.shoal;
  if (!ctx)
    throw new ApiError(
      'unauthorized',
      'Missing API key: send it as "Authorization: Bearer <key>" (or in connection_init as authorization)',
    );
  if (!holdsScope(ctx.scopes, scope)) throw new ApiError('forbidden', `This API key lacks the '${scope}' scope this request needs`);
  return ctx;
}

const pageSize = (first: unknown) => Math.min(MAX_LIST_SIZE, Math.max(1, typeof first === 'number' ? first : DEFAULT_LIST_SIZE));
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function workflowOf(wf: WorkflowWithVersion | WorkflowSummary) {
  return { id: wf.id, name: wf.name, description: wf.description, createdAt: wf.createdAt.toISOString(), latestVersionId: wf.version.id };
}

function runOf(run: RunRow) {
  return {
    id: run.id,
    workflowId: run.workflowId,
    workflowVersionId: run.workflowVersionId,
    status: run.status,
    inputs: run.inputs,
    outputs: run.outputs ?? null,
    error: run.error,
    elapsedMs: run.elapsedMs,
    totalTokens: run.totalTokens,
    totalSteps: run.totalSteps,
    totalPrice: run.totalPrice.toFixed(),
    currency: run.currency,
    createdAt: iso(run.createdAt),
    finishedAt: iso(run.finishedAt),
  };
}

function fileOf(f: FileRow, publicBaseUrl: string | null) {
  return {
    id: f.id,
    name: f.name,
    size: f.size,
    extension: f.extension,
    mimeType: f.mimeType,
    kind: f.kind,
    sha256: f.sha256,
    url: fileContentUrl(f.id, publicBaseUrl),
    createdBy: f.endUser ?? f.apiKeyId,
    workflowId: f.workflowId,
    createdAt: f.createdAt.toISOString(),
  };
}

function eventOf(e: RunEvent) {
  return {
    event: e.event,
    sequence: e.sequence,
    taskId: e.task_id,
    workflowRunId: e.workflow_run_id,
    timestamp: e.timestamp,
    data: e.data,
  };
}

export function graphqlResolvers(s: GraphqlServices): IResolvers<unknown, GraphqlContext> {
  return {
    Query: {
      workflows: async (_: unknown, args: { first?: number; after?: string }, context: GraphqlContext) => {
        const ctx = caller(context, 'read');
        const { workflows, hasMore } = await s.workflows.list(ctx, { limit: pageSize(args.first), after: args.after ?? undefined });
        return { nodes: workflows.map(workflowOf), hasMore, nextCursor: hasMore ? workflows[workflows.length - 1].id : null };
      },
      workflow: async (_: unknown, args: { id: string }, context: GraphqlContext) => {
        const ctx = caller(context, 'read');
        try {
          return workflowOf(await s.workflows.get(ctx, args.id));
        } catch (err) {
          if (err instanceof ApiError && err.code === 'not_found') return null;
          throw err;
        }
      },
      runs: async (
        _: unknown,
        args: { workflowId?: string; status?: RunStatusColumn; first?: number; after?: string },
        context: GraphqlContext,
      ) => {
        const ctx = caller(context, 'read');
        const { runs, hasMore } = await s.runs.list(ctx, {
          workflowId: args.workflowId ?? undefined,
          status: args.status ? runStatusFromColumn(args.status) : undefined,
          limit: pageSize(args.first),
          after: args.after ?? undefined,
        });
        return { nodes: runs.map(runOf), hasMore, nextCursor: hasMore ? runs[runs.length - 1].id : null };
      },
      run: async (_: unknown, args: { id: string }, context: GraphqlContext) => {
        const ctx = caller(context, 'read');
        try {
          return runOf(await s.runs.get(ctx, args.id));
        } catch (err) {
          if (err instanceof ApiError && err.code === 'not_found') return null;
          throw err;
        }
      },
      files: async (_: unknown, args: { first?: number; after?: string }, context: GraphqlContext) => {
        const ctx = caller(context, 'read');
        const { files, hasMore } = await s.files.list(ctx, { limit: pageSize(args.first), after: args.after ?? undefined });
        return {
          nodes: files.map((f) => fileOf(f, s.files.limits.publicBaseUrl)),
          hasMore,
          nextCursor: hasMore ? files[files.length - 1].id : null,
        };
      },
      file: async (_: unknown, args: { id: string }, context: GraphqlContext) => {
        const ctx = caller(context, 'read');
        try {
          return fileOf(await s.files.get(ctx, args.id), s.files.limits.publicBaseUrl);
        } catch (err) {
          if (err instanceof ApiError && err.code === 'not_found') return null;
          throw err;
        }
      },
      conversation: async (_: unknown, args: { id: string }, context: GraphqlContext) => {
        const ctx = caller(context, 'read');
        try {
          const c = await s.conversations.get(ctx, args.id);
          return {
            id: c.id,
            workflowId: c.workflowId,
            name: c.name,
            user: c.endUser,
            dialogueCount: c.dialogueCount,
            variables: c.variables,
            createdAt: c.createdAt.toISOString(),
            updatedAt: c.updatedAt.toISOString(),
          };
        } catch (err) {
          if (err instanceof ApiError && err.code === 'not_found') return null;
          throw err;
        }
      },
      usage: async (_: unknown, args: { runId?: string; first?: number }, context: GraphqlContext) => {
        const ctx = caller(context, 'read');
        const page = (await s.billing.usageRecords(ctx, { runId: args.runId ?? undefined, limit: pageSize(args.first) })) as {
          data?: unknown[];
        };
        return page.data ?? [];
      },
    },
    Conversation: {
      messages: async (parent: unknown, args: { first?: number }, context: GraphqlContext) => {
        const ctx = caller(context, 'read');
        const page = await s.conversations.messages(ctx, (parent as { id: string }).id, { firstId: null, limit: pageSize(args.first) });
        return page.messages.map((m) => ({
          id: m.id,
          runId: m.runId,
          query: m.query,
          answer: m.answer,
          status: m.status,
          totalTokens: m.totalTokens,
          createdAt: m.createdAt.toISOString(),
        }));
      },
    },
    Mutation: {
      createWorkflow: async (
        _: unknown,
        args: { input: { name: string; description?: string; graph: unknown } },
        context: GraphqlContext,
      ) => {
        const ctx = caller(context, 'workflows:write');
        const name = args.input.name.trim();
        if (!name || name.length > 200)
          throw ApiError.validation('Invalid request: input.name must be 1 to 200 characters', [
            { path: 'input.name', message: 'must be 1 to 200 characters' },
          ]);
        return workflowOf(await s.workflows.create(ctx, { name, description: args.input.description ?? '', graph: args.input.graph }));
      },
      importWorkflow: async (_: unknown, args: { yaml: string; modelMap?: unknown }, context: GraphqlContext) => {
        const ctx = caller(context, 'workflows:write');
        const modelMap = args.modelMap ?? {};
        if (typeof modelMap !== 'object' || Array.isArray(modelMap) || Object.values(modelMap as Obj).some((v) => typeof v !== 'string'))
          throw ApiError.validation('Invalid request: modelMap must map model names to alias names', [
            { path: 'modelMap', message: 'must be an object of strings' },
          ]);
        const imported = await s.dsl.import(ctx, { yaml: args.yaml, modelMap: modelMap as Record<string, string> });
        return {
          workflow: workflowOf(imported.workflow),
          warnings: imported.warnings.map((w) => ({ path: w.path, code: w.code, message: w.message, nodeId: w.nodeId ?? null })),
        };
      },
      publishWorkflow: async (_: unknown, args: { id: string; graph: unknown }, context: GraphqlContext) => {
        const ctx = caller(context, 'workflows:write');
        return workflowOf(await s.workflows.publish(ctx, args.id, args.graph));
      },
      cancelRun: async (_: unknown, args: { id: string }, context: GraphqlContext) => {
        const ctx = caller(context, 'runs:write');
        return runOf(await s.runs.cancel(ctx, args.id));
      },
      startRun: async (_: unknown, args: { workflowId: string; inputs?: unknown; idempotencyKey?: string }, context: GraphqlContext) => {
        const ctx = caller(context, 'runs:write');
        const inputs = args.inputs ?? {};
        if (typeof inputs !== 'object' || Array.isArray(inputs))
          throw ApiError.validation('Invalid request: inputs must be an object', [{ path: 'inputs', message: 'must be an object' }]);
        const run = await s.runs.start(ctx, args.workflowId, {
          inputs: inputs as Obj,
          response_mode: 'streaming',
          ...(args.idempotencyKey ? { idempotencyKey: args.idempotencyKey } : {}),
        });
        return runOf(run);
      },
    },
    Subscription: {
      runEvents: {
        subscribe: (_: unknown, args: { runId: string; afterSequence?: number }, context: GraphqlContext) => {
          const ctx = caller(context, 'read');
          return runEventIterator(s.runs, ctx, args.runId, Math.max(0, args.afterSequence ?? 0));
        },
        resolve: (e: unknown) => eventOf(e as RunEvent),
      },
    },
  };
}

/** Batched fields: one query for all parents of a selection, not one per parent. */
export function graphqlLoaders(s: GraphqlServices): MercuriusLoaders<GraphqlContext> {
  return {
    Run: {
      nodeExecutions: async (queries: Array<{ obj: { id: string } }>, context: GraphqlContext) => {
        const ctx = caller(context, 'read');
        const rows = await s.runsRepository.nodeExecutionsOf(
          ctx.tenantId,
          queries.map((q) => q.obj.id),
        );
        const byRun = new Map<string, typeof rows>();
        for (const r of rows) byRun.set(r.runId, [...(byRun.get(r.runId) ?? []), r]);
        return queries.map((q) =>
          (byRun.get(q.obj.id) ?? []).map((n) => ({
            id: n.id,
            nodeId: n.nodeId,
            nodeType: n.nodeType,
            title: n.title,
            index: n.index,
            status: n.status,
            inputs: n.inputs ?? null,
            outputs: n.outputs ?? null,
            error: n.error,
            elapsedMs: n.elapsedMs,
            totalTokens: n.totalTokens,
            startedAt: iso(n.startedAt),
            finishedAt: iso(n.finishedAt),
          })),
        );
      },
    },
    Workflow: {
      latestVersion: async (queries: Array<{ obj: { latestVersionId: string } }>, context: GraphqlContext) => {
        const ctx = caller(context, 'read');
        const rows = await s.workflowsRepository.versionsByIds(
          ctx.tenantId,
          queries.map((q) => q.obj.latestVersionId),
        );
        // secret environment values never leave: blanked, as every REST answer blanks them
        const byId = new Map(rows.map((r) => [r.id, { ...r, graph: blankWorkflowSecrets(r.graph), createdAt: r.createdAt.toISOString() }]));
        return queries.map((q) => byId.get(q.obj.latestVersionId) ?? null);
      },
      versions: async (queries: Array<{ obj: { id: string }; params: { first?: number } }>, context: GraphqlContext) => {
        const ctx = caller(context, 'read');
        const first = Math.max(...queries.map((q) => pageSize(q.params.first)));
        const rows = await s.workflowsRepository.latestVersionsOf(
          ctx.tenantId,
          queries.map((q) => q.obj.id),
          first,
        );
        return queries.map((q) =>
          rows
            .filter((r) => r.workflowId === q.obj.id)
            .slice(0, pageSize(q.params.first))
            .map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), graph: null })),
        );
      },
      runs: async (
        queries: Array<{ obj: { id: string }; params: { first?: number; status?: RunStatusColumn } }>,
        context: GraphqlContext,
      ) => {
        const ctx = caller(context, 'read');
        // one query per distinct status filter (usually one), each for every workflow asking
        const groups = new Map<string, typeof queries>();
        for (const q of queries) groups.set(q.params.status ?? '', [...(groups.get(q.params.status ?? '') ?? []), q]);
        const found = new Map<string, RunRow[]>();
        for (const [status, group] of groups) {
          const first = Math.max(...group.map((q) => pageSize(q.params.first)));
          const rows = await s.runsRepository.latestOfWorkflows(
            ctx.tenantId,
            group.map((q) => q.obj.id),
            first,
            (status || undefined) as RunStatusColumn | undefined,
          );
          for (const r of rows) found.set(`${status}|${r.workflowId}`, [...(found.get(`${status}|${r.workflowId}`) ?? []), r]);
        }
        return queries.map((q) => (found.get(`${q.params.status ?? ''}|${q.obj.id}`) ?? []).slice(0, pageSize(q.params.first)).map(runOf));
      },
    },
  };
}

/** The run's events as an async iterator for a subscription; ends after workflow_finished or when the client leaves. */
function runEventIterator(runs: RunsService, ctx: RequestContext, runId: string, after: number): AsyncIterableIterator<RunEvent> {
  const queue: RunEvent[] = [];
  let wake: (() => void) | null = null;
  let done = false;
  let failure: unknown = null;
  const stop = new AbortController();
  const MAX_QUEUED = 10_000;
  void runs
    .openStream(ctx, runId, after)
    .then(({ run }) =>
      runs.follow(
        ctx,
        runId,
        after,
        (e) => {
          // a subscriber that does not read is cut rather than buffered without end
          if (queue.length >= MAX_QUEUED) return stop.abort();
          queue.push(e);
          wake?.();
        },
        stop.signal,
        run,
      ),
    )
    .catch((err: unknown) => (failure = err))
    .finally(() => {
      done = true;
      wake?.();
    });
  const iterator: AsyncIterableIterator<RunEvent> = {
    async next() {
      for (;;) {
        const e = queue.shift();
        if (e) return { value: e, done: false };
        if (failure) throw failure;
        if (done) return { value: undefined, done: true };
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    },
    async return() {
      stop.abort();
      done = true;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
