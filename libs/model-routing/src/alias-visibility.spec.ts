import { aliasesVisibleTo, isAliasVisibleTo } from './alias-visibility';
import type { ModelAlias } from './deployment';

const alias = (name: string, tenantId?: string | null): ModelAlias => ({ name, deploymentIds: [], fallbacks: [], tenantId });

describe('aliasesVisibleTo', () => {
  const aliases = [alias('shared-a'), alias('fast', null), alias('fast', 'ten_1'), alias('mine', 'ten_1'), alias('theirs', 'ten_2')];

  it("lists the shared aliases and the tenant's own, never another tenant's", () => {
    expect(aliasesVisibleTo(aliases, 'ten_1').map((a) => `${a.name}:${a.tenantId ?? 'shared'}`)).toEqual([
      'shared-a:shared',
      'fast:ten_1',
      'mine:ten_1',
    ]);
    expect(aliasesVisibleTo(aliases, 'ten_2').map((a) => a.name)).toEqual(['shared-a', 'fast', 'theirs']);
    expect(aliasesVisibleTo(aliases, 'ten_3').map((a) => a.name)).toEqual(['shared-a', 'fast']);
  });

  it("a tenant may call a shared alias and its own, not another tenant's", () => {
    expect([alias('a'), alias('b', null), alias('c', 'ten_1'), alias('d', 'ten_2')].map((a) => isAliasVisibleTo(a, 'ten_1'))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
