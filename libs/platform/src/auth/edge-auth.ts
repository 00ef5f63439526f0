// Authentication at the edge: a Fastify onRequest hook checks the credential of every route that
// requires one before the body is read, so an anonymous client cannot make the server buffer a
// body (or hold a database connection) for nothing. Which routes require what is read from the
// guards the controllers declare; the guards stay in place and see the request authenticated.
import { Inject, Injectable, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { controllerRoutes, controllersOf } from '../http/controller-routes';
import { RateLimitGate } from '../rate-limit/rate-limit.gate';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { ApiKeyGuard } from './api-key.guard';
import { InternalTokenGuard } from './internal-token.guard';
import { REQUEST_CONTEXT } from './request-context';
import { checkScope, scopeOf } from './scope.check';
import type { Scope } from './scopes';

interface Requirement {
  credential: 'api-key' | 'internal';
  /** for API keys: the scope the route declares with @RequireScope */
  scope?: Scope;
}
function credentialOf(guards: unknown[]): Requirement['credential'] | undefined {
  if (guards.includes(ApiKeyGuard)) return 'api-key';
  if (guards.includes(InternalTokenGuard)) return 'internal';
  return undefined;
}

/** Route ("METHOD /path", as Fastify names it) to the credential its guards require. */
export function routeRequirements(controllers: Iterable<Type>): Map<string, Requirement> {
  const out = new Map<string, Requirement>();
  for (const route of controllerRoutes(controllers)) {
    const credential = credentialOf(route.guards);
    if (!credential) continue;
    const scope = scopeOf(route.handler, route.controller);
    out.set(`${route.method} ${route.path}`, scope ? { credential, scope } : { credential });
  }
  return out;
}

/** Routes that call models (and so count against token limits) are the ones that need these scopes. */
function spendsTokens(scope: Scope | undefined): boolean {
  return scope === 'chat' || scope === 'runs:write';
}

@Injectable()
export class EdgeAuth {
  constructor(
    @Inject(ModulesContainer) private readonly modules: ModulesContainer,
    @Inject(ApiKeyAuthenticator) private readonly apiKeys: ApiKeyAuthenticator | null,
    @Inject(InternalTokenGuard) private readonly internal: InternalTokenGuard,
    @Inject(RateLimitGate) private readonly rateLimits: RateLimitGate | null,
  ) {}

  install(fastify: FastifyInstance): void {
    const routes = routeRequirements(controllersOf(this.modules));
    fastify.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const url = req.routeOptions.url;
      if (url === undefined) return; // no route: the 404 handler answers
      const needs =
        routes.get(`${req.method} ${url}`) ?? (req.method === 'HEAD' ? routes.get(`GET ${url}`) : undefined) ?? routes.get(`ALL ${url}`);
      if (needs?.credential === 'internal') this.internal.authenticate(req);
      else if (needs?.credential === 'api-key' && this.apiKeys) {
        const ctx = await this.apiKeys.authenticate(req.headers, req.ip);
        if (needs.scope) checkScope(ctx, needs.scope);
        if (this.rateLimits) reply.headers(await this.rateLimits.admit(ctx, spendsTokens(needs.scope)));
        (req as unknown as Record<string, unknown>)[REQUEST_CONTEXT] = ctx;
      }
    });
  }
}
