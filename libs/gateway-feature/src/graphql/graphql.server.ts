// GraphQL at /graphql (Mercurius on the gateway's Fastify): queries and mutations over HTTP,
// `runEvents` over WebSocket (graphql-ws protocol), the same API keys, scopes, rate limits and
// tenant isolation as REST. Bounded: query depth, query cost (fields times list sizes), no
// batched queries, and the platform's body limit.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import mercurius from 'mercurius';
import { ApiError, ApiKeyAuthenticator, RateLimitGate, createLogger, toApiError, type RequestContext } from '@shoal/platform';
import { GatewayBillingClient } from '../usage/billing.client';
import { ConversationsService } from '../conversations/conversations.service';
import { FilesService } from '../files/files.service';
import { RunsRepository } from '../runs/runs.repository';
import { RunsService } from '../runs/runs.service';
import { WorkflowDslService } from '../workflows/workflow-dsl.service';
import { WorkflowsRepository } from '../workflows/workflows.repository';
import { WorkflowsService } from '../workflows/workflows.service';
import { complexityRule } from './complexity.rule';
import { graphqlLoaders, graphqlResolvers, type GraphqlContext } from './graphql.resolvers';
import { SCHEMA } from './schema';

export const GRAPHQL_OPTIONS = Symbol('GRAPHQL_OPTIONS');

export interface GraphqlOptions {
  /** the deepest selection a query may nest */
  maxDepth: number;
  /** fields times list sizes */
  maxCost: number;
  /** serve GraphiQL at /graphiql (development only: it loads its UI from a CDN) */
  graphiql: boolean;
}

export const DEFAULT_GRAPHQL_OPTIONS: GraphqlOptions = { maxDepth: 8, maxCost: 5000, graphiql: false };

const CONTEXT = 'shoalGraphqlContext';

@Injectable()
export class GraphqlServer implements OnModuleInit {
  private readonly log = createLogger('GraphqlServer');

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(ApiKeyAuthenticator) private readonly auth: ApiKeyAuthenticator,
    @Inject(RateLimitGate) private readonly rateLimits: RateLimitGate | null,
    @Inject(WorkflowsService) private readonly workflows: WorkflowsService,
    @Inject(WorkflowsRepository) private readonly workflowsRepository: WorkflowsRepository,
    @Inject(WorkflowDslService) private readonly dsl: WorkflowDslService,
    @Inject(RunsService) private readonly runs: RunsService,
    @Inject(RunsRepository) private readonly runsRepository: RunsRepository,
    @Inject(GatewayBillingClient) private readonly billing: GatewayBillingClient,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(FilesService) private readonly files: FilesService,
    @Inject(GRAPHQL_OPTIONS) private readonly opts: GraphqlOptions,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return; // not an HTTP application (a test module)
    const services = {
      workflows: this.workflows,
      workflowsRepository: this.workflowsRepository,
      dsl: this.dsl,
      runs: this.runs,
      runsRepository: this.runsRepository,
      billing: this.billing,
      conversations: this.conversations,
      files: this.files,
    };
    void fastify.register(async (instance) => {
      // the key is checked before the query is read, as on every REST route; a WebSocket
      // upgrade authenticates in connection_init (browsers cannot set headers on it)
      instance.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
        if (req.routeOptions.url !== '/graphql' || req.headers.upgrade?.toLowerCase() === 'websocket') return;
        try {
          const ctx = await this.auth.authenticate(req.headers, req.ip);
          if (this.rateLimits) void reply.headers(await this.rateLimits.admit(ctx, req.method === 'POST'));
          (req as unknown as Record<string, unknown>)[CONTEXT] = ctx;
        } catch (err) {
          // answered here, in GraphQL's error shape with the HTTP status REST would use (401, 429)
          const api = toApiError(err);
          if (api.opts.retryAfterSeconds !== undefined) void reply.header('retry-after', String(api.opts.retryAfterSeconds));
          if (api.opts.headers) void reply.headers(api.opts.headers);
          return reply
            .code(api.status)
            .type('application/json; charset=utf-8')
            .send({ data: null, errors: [{ message: api.message, extensions: { code: api.code, status: api.status } }] });
        }
      });
      await instance.register(mercurius, {
        schema: SCHEMA,
        resolvers: graphqlResolvers(services),
        loaders: graphqlLoaders(services),
        path: '/graphql',
        graphiql: this.opts.graphiql,
        queryDepth: this.opts.maxDepth,
        allowBatchedQueries: false,
        validationRules: [complexityRule(this.opts.maxCost)],
        context: (req): GraphqlContext => ({ shoal: (req as unknown as Record<string, RequestContext | undefined>)[CONTEXT] }),
        subscription: {
          context: async (_socket, req): Promise<GraphqlContext> =>
            req.headers.authorization ? { shoal: await this.auth.authenticate(req.headers, req.ip) } : {},
          onConnect: async ({ payload }) => {
            const authorization = (payload as { authorization?: unknown } | undefined)?.authorization;
            if (typeof authorization !== 'string') return true;
            try {
              const token = authorization.startsWith('Bearer ') ? authorization : `Bearer ${authorization}`;
              return { shoal: await this.auth.authenticate({ authorization: token }, 'websocket') };
            } catch {
              return false;
            }
          },
          keepAlive: 10_000,
          queueHighWaterMark: 1000,
        },
        errorFormatter: (execution, context) => {
          let { statusCode } = mercurius.defaultErrorFormatter(execution, context);
          const errors = execution.errors.flatMap((error) => {
            const original = error.originalError as (Error & { errors?: unknown[] }) | undefined;
            // mercurius wraps the query's validation errors (depth, cost, unknown fields): each is said as is
            if (original && Array.isArray(original.errors))
              return original.errors.map((e) => (e instanceof GraphQLError ? e.toJSON() : { message: String((e as Error).message ?? e) }));
            if (!original || original instanceof GraphQLError) return [error.toJSON()];
            // our errors say what was wrong; anything else is masked (and logged)
            const api = original instanceof ApiError ? original : toApiError(original);
            if (api.status >= 500) this.log.error({ err: original }, 'GraphQL resolver failed');
            // a request the server could not take at all (a body that is not JSON, too large): its HTTP
            // status, as on every route; a resolver's error (it has a path) stays in a 200 with the data
            if (!error.path && !execution.data) statusCode = api.status;
            return [
              {
                message: api.message,
                locations: error.locations,
                path: error.path,
                extensions: { code: api.code, status: api.status, ...(api.opts.issues ? { issues: api.opts.issues } : {}) },
              },
            ];
          });
          return { statusCode, response: { data: execution.data ?? null, errors } };
        },
      });
    });
  }
}
