// The routes Nest controllers declare, read from their decorators' metadata: what the edge hook
// checks credentials against and what the OpenAPI document describes.
import type { Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { ModulesContainer } from '@nestjs/core';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

export interface ControllerRoute {
  controller: Type;
  /** the handler function (decorator metadata lives on it) */
  handler: object;
  /** the handler's method name */
  name: string;
  method: string;
  /** as Fastify names it: `/v1/workflows/:id` */
  path: string;
  /** the controller's guards and the handler's */
  guards: unknown[];
}

export function joinPath(...parts: string[]): string {
  const joined = parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return `/${joined}`;
}

export function controllersOf(modules: ModulesContainer): Type[] {
  const out: Type[] = [];
  for (const mod of modules.values())
    for (const wrapper of mod.controllers.values()) if (wrapper.metatype) out.push(wrapper.metatype as Type);
  return out;
}

export function controllerRoutes(controllers: Iterable<Type>): ControllerRoute[] {
  const out: ControllerRoute[] = [];
  for (const controller of controllers) {
    const classGuards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, controller) ?? [];
    const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (method === undefined || paths === undefined) continue;
      const guards = [...classGuards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? [])];
      for (const prefix of prefixes)
        for (const p of [paths].flat()) out.push({ controller, handler, name, method: METHODS[method], path: joinPath(prefix, p), guards });
    }
  }
  return out;
}
