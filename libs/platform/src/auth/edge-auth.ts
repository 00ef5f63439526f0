// Authentication at the edge: a Fastify onRequest hook checks the credential of every route that
// requires one before the body is read, so an anonymous client cannot make the server buffer a
// body (or hold a database connection) for nothing. Which routes require what is read from the
// guards the controllers declare; the guards stay in place and see the request authenticated.
import { Inject, Injectable, type Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

function joinPath(...parts: string[]): string {
  const joined = parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return `/${joined}`;
}

function credentialOf(guards: unknown[]): Requirement['credential'] | undefined {
  if (guards.includes(ApiKeyGuard)) return 'api-key';
  if (guards.includes(InternalTokenGuard)) return 'internal';
  return undefined;
}

/** Route ("METHOD /path", as Fastify names it) to the credential its guards require. */
export function routeRequirements(controllers: Iterable<Type>): Map<string, Requirement> {
  const out = new Map<string, Requirement>();
  for (const ctrl of controllers) {
    const classGuards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, ctrl) ?? [];
    const prefixes = [Reflect.getMetadata(PATH_METADATA, ctrl) ?? ''].flat() as string[];
    for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
      const fn = (ctrl.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof fn !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, fn) as number | undefined;
      const paths = Reflect.getMetadata(PATH_METADATA, fn) as string | string[] | undefined;
      if (method === undefined || paths === undefined) continue;
      const credential = credentialOf([...classGuards, ...((Reflect.getMetadata(GUARDS_METADATA, fn) as unknown[]) ?? [])]);
      if (!credential) continue;
      const scope = scopeOf(fn, ctrl);
      const needs: Requirement = scope ? { credential, scope } : { credential };
      for (const prefix of prefixes) for (const p of [paths].flat()) out.set(`${METHODS[method]} ${joinPath(prefix, p)}`, needs);
    }
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
    const controllers: Type[] = [];
    for (const mod of this.modules.values())
      for (const wrapper of mod.controllers.values()) if (wrapper.metatype) controllers.push(wrapper.metatype as Type);
    const routes = routeRequirements(controllers);
    fastify.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const url = req.routeOptions.url;
      if (url === undefined) return; // no route: the 404 handler answers
      const needs =
        routes.get(`${req.method} ${url}`) ?? (req.method === 'HEAD' ? routes.get(`GET ${url}`) : undefined) ?? routes.get(`ALL ${url}`);
      if (needs?.credential === 'internal') this.internal.check(req.headers);
      else if (needs?.credential === 'api-key' && this.apiKeys) {
        const ctx = await this.apiKeys.authenticate(req.headers, req.ip);
        if (needs.scope) checkScope(ctx, needs.scope);
        if (this.rateLimits) reply.headers(await this.rateLimits.admit(ctx, spendsTokens(needs.scope)));
        (req as unknown as Record<string, unknown>)[REQUEST_CONTEXT] = ctx;
      }
    });
  }
}
