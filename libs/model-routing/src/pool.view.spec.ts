import type { Deployment } from './deployment';
import { loadDeploymentConfig } from './deployment.config';
import { PoolView, type AliasSettings } from './pool.view';
import { Secret } from './secrets';

const seed = loadDeploymentConfig({
  file: {
    deployments: [
      { id: 'dep_seed_a', model: 'chat', provider: 'openai-compatible', baseUrl: 'http://a', apiKey: 'k', fallbacks: ['backup'] },
      { id: 'dep_seed_b', model: 'backup', provider: 'openai-compatible', baseUrl: 'http://b', apiKey: 'k' },
    ],
  },
  env: {},
});

function stored(id: string, model: string, tenantId: string | null): Deployment {
  return {
    id,
    model,
    provider: 'deepseek',
    baseUrl: 'http://x',
    apiKey: new Secret('sk-stored'),
    upstreamModel: 'deepseek-flash',
    weight: 1,
    tenantId,
    source: 'admin',
  };
}

const alias = (name: string, tenantId: string | null, over: Partial<AliasSettings> = {}): AliasSettings => ({
  name,
  tenantId,
  fallbacks: [],
  ...over,
});

const ids = (view: PoolView, tenant: string | null, name: string) =>
  view.configFor(tenant).models.find((m) => m.name === name)?.deploymentIds;

describe('PoolView', () => {
  it('without stored rows is the seed, for every tenant', () => {
    const view = new PoolView(0, seed, { deployments: [], aliases: [] });
    expect(view.configFor(null).models.map((m) => [m.name, m.deploymentIds, m.fallbacks])).toEqual([
      ['chat', ['dep_seed_a'], ['backup']],
      ['backup', ['dep_seed_b'], []],
    ]);
    expect(view.configFor('ten_a')).toEqual(view.configFor(null));
  });

  it('stored shared deployments of a seed alias replace its seed deployments; a stored shared alias row replaces its settings', () => {
    const view = new PoolView(3, seed, {
      deployments: [stored('dep_s1', 'chat', null)],
      aliases: [alias('backup', null, { strategy: 'least-in-flight', fallbacks: ['chat'] })],
    });
    expect(ids(view, null, 'chat')).toEqual(['dep_s1']);
    expect(view.configFor(null).models.find((m) => m.name === 'chat')?.fallbacks).toEqual(['backup']); // seed settings kept
    const backup = view.configFor(null).models.find((m) => m.name === 'backup');
    expect(backup).toMatchObject({ deploymentIds: ['dep_seed_b'], strategy: 'least-in-flight', fallbacks: ['chat'] });
    expect(
      view
        .configFor(null)
        .deployments.map((d) => d.id)
        .sort(),
    ).toEqual(['dep_s1', 'dep_seed_b']);
  });

  it('a tenant’s own alias shadows the shared one for that tenant only; another tenant never sees it', () => {
    const view = new PoolView(4, seed, {
      deployments: [stored('dep_a1', 'chat', 'ten_a'), stored('dep_a2', 'private', 'ten_a'), stored('dep_b1', 'b-only', 'ten_b')],
      aliases: [alias('chat', 'ten_a', { strategy: 'latency' })],
    });
    expect(ids(view, 'ten_a', 'chat')).toEqual(['dep_a1']);
    expect(view.configFor('ten_a').models.find((m) => m.name === 'chat')).toMatchObject({ strategy: 'latency', tenantId: 'ten_a' });
    expect(ids(view, 'ten_b', 'chat')).toEqual(['dep_seed_a']);
    expect(view.aliasesFor('ten_a').map((m) => m.name)).toEqual(['chat', 'backup', 'private']);
    expect(view.aliasesFor('ten_b').map((m) => m.name)).toEqual(['chat', 'backup', 'b-only']);
    expect(view.aliasesFor('ten_c').map((m) => m.name)).toEqual(['chat', 'backup']);
    expect(view.configFor('ten_b').deployments.map((d) => d.id)).not.toContain('dep_a1');
  });
});
