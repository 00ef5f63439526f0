// Every route the app registered, collected from Fastify's onRoute hook: the source for 405's
// `Allow` header, for each route's accepted content types, and for tests that must cover every
// route (a new route cannot be missed by them).
import type { FastifyInstance, RouteOptions } from 'fastify';

export interface RouteEntry {
  method: string;
  /** Fastify's pattern, e.g. `/v1/workflows/:id/runs` */
  url: string;
  /** the request body's content types this route accepts (see `AcceptsBody`) */
  accepts: readonly string[];
}

export const DEFAULT_BODY_TYPES: readonly string[] = ['application/json'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** set by `@AcceptsBody(...)` */
    accepts?: readonly string[];
  }
  interface FastifyInstance {
    shoalRoutes?: RouteTable;
  }
}

function patternOf(url: string): RegExp {
  const segments = url.split('/').map((s) => {
    if (s.startsWith(':')) return '[^/]+';
    if (s === '*') return '.*';
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/').replace(/\/$/, '')}/?$`);
}

export class RouteTable {
  private readonly entries: Array<RouteEntry & { pattern: RegExp }> = [];

  add(route: Pick<RouteOptions, 'method' | 'url' | 'config'>): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const accepts = (route.config as { accepts?: readonly string[] } | undefined)?.accepts ?? DEFAULT_BODY_TYPES;
    for (const method of methods)
      this.entries.push({ method: method.toUpperCase(), url: route.url, accepts, pattern: patternOf(route.url) });
  }

  list(): RouteEntry[] {
    return this.entries.map(({ method, url, accepts }) => ({ method, url, accepts }));
  }

  /** The methods some route serves at this concrete path (query string ignored), sorted. */
  methodsAt(path: string): string[] {
    const p = path.split('?')[0];
    return [...new Set(this.entries.filter((e) => e.pattern.test(p)).map((e) => e.method))].sort();
  }

  /** Collects every route registered on `instance` (and its children) from now on. */
  static attach(instance: FastifyInstance): RouteTable {
    const table = new RouteTable();
    instance.decorate('shoalRoutes', table);
    instance.addHook('onRoute', (route) => table.add(route));
    return table;
  }
}
