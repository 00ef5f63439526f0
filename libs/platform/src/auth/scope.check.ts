import type { Type } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import type { RequestContext } from './request-context';
import { holdsScope, SCOPE_METADATA, type Scope } from './scopes';

/** The scope a handler declares, or its controller when the handler declares none. */
export function scopeOf(handler: object, controller: Type | object): Scope | undefined {
  // asked on every request by the guard; decorators run once, at class definition, so the answer never changes
  let byController = declared.get(handler);
  if (!byController) declared.set(handler, (byController = new WeakMap()));
  if (byController.has(controller)) return byController.get(controller);
  const scope = (Reflect.getMetadata(SCOPE_METADATA, handler) ?? Reflect.getMetadata(SCOPE_METADATA, controller)) as Scope | undefined;
  byController.set(controller, scope);
  return scope;
}

const declared = new WeakMap<object, WeakMap<object, Scope | undefined>>();

/** 403 naming the scope the key lacks; nothing about the key itself. */
export function checkScope(ctx: RequestContext, needed: Scope): void {
  if (holdsScope(ctx.scopes, needed)) return;
  throw new ApiError('forbidden', `This API key lacks the '${needed}' scope this request needs`);
}
