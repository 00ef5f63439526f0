// What an API key may do. A route declares the scope it needs with @RequireScope; the edge hook
// checks it right after authentication, before the body is read.
import { SetMetadata } from '@nestjs/common';

/**
 * - `platform:admin`: manage tenants (the bootstrap key of a fresh install has it).
 * - `admin`: everything inside its tenant, keys included.
 * - `workflows:write`: create, import and change workflows.
 * - `runs:write`: start and cancel runs.
 * - `chat`: the OpenAI-compatible chat API (model calls outside any workflow).
 * - `read`: read workflows, runs, events, conversations and usage.
 */
export const SCOPES = ['platform:admin', 'admin', 'workflows:write', 'runs:write', 'chat', 'read'] as const;
export type Scope = (typeof SCOPES)[number];

/** The scopes a key bound to one workflow (Dify's app key) may hold: it runs and reads that workflow, nothing else. */
export const WORKFLOW_BOUND_SCOPES: readonly Scope[] = ['runs:write', 'read'];

export const SCOPE_METADATA = 'shoal:scope';

/** Declares the scope a route (or every route of a controller) needs. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_METADATA, scope);

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** `admin` holds every scope of its tenant; `platform:admin` is held only when granted. */
export function holdsScope(held: readonly string[], needed: Scope): boolean {
  if (held.includes(needed)) return true;
  return needed !== 'platform:admin' && held.includes('admin');
}
