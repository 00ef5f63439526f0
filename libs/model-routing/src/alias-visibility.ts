// Which aliases a tenant may call: the platform's shared ones and its own, its own shadowing a
// shared one of the same name. `/v1/models` lists these; routing resolves a name the same way.
import type { ModelAlias } from './deployment';

/** In the order given, with a tenant's alias in the place of the shared one it shadows. */
export function aliasesVisibleTo(aliases: readonly ModelAlias[], tenantId: string): ModelAlias[] {
  const own = new Map(aliases.filter((a) => a.tenantId === tenantId).map((a) => [a.name, a]));
  const out: ModelAlias[] = [];
  const listed = new Set<string>();
  for (const a of aliases) {
    const shared = a.tenantId === undefined || a.tenantId === null;
    if (!shared && a.tenantId !== tenantId) continue;
    if (listed.has(a.name)) continue;
    listed.add(a.name);
    out.push(own.get(a.name) ?? a);
  }
  return out;
}

/** Whether a tenant may call `alias`: a shared one, or its own. */
export function isAliasVisibleTo(alias: Pick<ModelAlias, 'tenantId'>, tenantId: string): boolean {
  return alias.tenantId === undefined || alias.tenantId === null || alias.tenantId === tenantId;
}
