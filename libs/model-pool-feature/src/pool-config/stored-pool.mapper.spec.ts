import { randomBytes } from 'node:crypto';
import { SecretBox, credentialOwner, type PoolConfigRows, type PoolDeploymentRecord } from '@shoal/platform';
import { mapStoredPool } from './stored-pool.mapper';

const box = new SecretBox(randomBytes(32));
const other = new SecretBox(randomBytes(32));

function dep(id: string, credentialId: string): PoolDeploymentRecord {
  const at = new Date(0);
  return {
    id,
    tenantId: 'ten_a',
    alias: 'chat',
    provider: 'deepseek',
    baseUrl: 'https://api.deepseek.com/',
    credentialId,
    upstreamModel: 'deepseek-flash',
    weight: 2,
    rpm: null,
    tpm: 1000,
    maxConcurrency: 2500,
    priceOverride: null,
    timeoutMs: null,
    drained: true,
    strictToolsBaseUrl: 'https://api.deepseek.com/beta',
    createdAt: at,
    updatedAt: at,
  };
}

describe('mapStoredPool', () => {
  const rows: PoolConfigRows = {
    version: 7,
    credentials: [
      { id: 'cred_ok', tenantId: 'ten_a', provider: 'deepseek', sealed: box.seal('sk-good-key', credentialOwner('ten_a', 'cred_ok')) },
      {
        id: 'cred_foreign',
        tenantId: 'ten_a',
        provider: 'deepseek',
        sealed: other.seal('sk-other', credentialOwner('ten_a', 'cred_foreign')),
      },
      // sealed for another owner: moved rows do not open
      { id: 'cred_moved', tenantId: 'ten_a', provider: 'deepseek', sealed: box.seal('sk-moved', credentialOwner('ten_b', 'cred_moved')) },
    ],
    deployments: [dep('dep_ok', 'cred_ok'), dep('dep_foreign', 'cred_foreign'), dep('dep_moved', 'cred_moved')],
    aliases: [
      {
        id: 'alias_1',
        tenantId: 'ten_a',
        name: 'chat',
        strategy: 'latency',
        fallbacks: ['backup'],
        ttftTimeoutMs: 20_000,
        stallTimeoutMs: null,
        createdAt: new Date(0),
        updatedAt: new Date(0),
      },
    ],
  };

  it('opens credentials into deployments with every setting carried, and leaves out (naming why) those that do not open', () => {
    const { stored, problems } = mapStoredPool(rows, box);
    expect(stored.deployments).toHaveLength(1);
    const d = stored.deployments[0];
    expect(d).toMatchObject({
      id: 'dep_ok',
      model: 'chat',
      baseUrl: 'https://api.deepseek.com',
      weight: 2,
      tpm: 1000,
      maxConcurrency: 2500,
      drained: true,
      strictToolsBaseUrl: 'https://api.deepseek.com/beta',
      tenantId: 'ten_a',
      credentialId: 'cred_ok',
      source: 'admin',
    });
    expect(d.apiKey.reveal()).toBe('sk-good-key');
    expect(JSON.stringify(d)).not.toContain('sk-good-key');
    expect([...problems.keys()]).toEqual(['dep_foreign', 'dep_moved']);
    expect(problems.get('dep_foreign')).toMatch(/SHOAL_SECRET_KEY/);
    expect(stored.aliases).toEqual([
      { name: 'chat', tenantId: 'ten_a', fallbacks: ['backup'], strategy: 'latency', ttftTimeoutMs: 20_000 },
    ]);
  });

  it('without a secret key, every stored deployment is left out, saying so', () => {
    const { stored, problems } = mapStoredPool(rows, null);
    expect(stored.deployments).toEqual([]);
    expect(problems.get('dep_ok')).toMatch(/SHOAL_SECRET_KEY is not set/);
  });
});
