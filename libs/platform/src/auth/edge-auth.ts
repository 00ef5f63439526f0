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
import { REQUEST_CONTEXT, type RequestContext } from './request-context';
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
    // a callback hook: a cached key with no rate limit to count (most requests) is checked without a promise
    fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
      let pending: Promise<void> | undefined;
      try {
        pending = this.check(routes, req, reply);
      } catch (err) {
        done(err as Error);
        return;
      }
      if (pending) pending.then(() => done(), done);
      else done();
    });
  }

  /** Checks the request's credential: returns once done, or a promise when it has to wait (a key lookup, a rate limiter). */
  private check(routes: Map<string, Requirement>, req: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
    const url = req.routeOptions.url;
    if (url === undefined) return; // no route: the 404 handler answers
    const needs =
      routes.get(`${req.method} ${url}`) ?? (req.method === 'HEAD' ? routes.get(`GET ${url}`) : undefined) ?? routes.get(`ALL ${url}`);
    if (needs?.credential === 'internal') this.internal.authenticate(req);
    else if (needs?.credential === 'api-key' && this.apiKeys) {
      const cached = this.apiKeys.authenticateCached(req.headers, req.ip);
      if (cached) return this.admit(needs, req, reply, cached);
      return this.apiKeys.authenticate(req.headers, req.ip).then((ctx) => this.admit(needs, req, reply, ctx));
    }
    return undefined;
  }

  private admit(needs: Requirement, req: FastifyRequest, reply: FastifyReply, ctx: RequestContext): Promise<void> | undefined {
    if (needs.scope) checkScope(ctx, needs.scope);
    const gate = this.rateLimits;
    const subject = gate?.subjectOf(ctx, spendsTokens(needs.scope));
    if (!gate || !subject) {
      (req as unknown as Record<string, unknown>)[REQUEST_CONTEXT] = ctx;
      return undefined;
    }
    return gate.admitSubject(ctx, subject).then((headers) => {
      reply.headers(headers);
      (req as unknown as Record<string, unknown>)[REQUEST_CONTEXT] = ctx;
    });
  }
}
