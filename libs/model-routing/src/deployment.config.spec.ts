import { loadDeploymentConfig } from './deployment.config';
import { DeploymentConfigError } from './deployment-config.error';

const base = {
  id: 'dep_mock',
  model: 'mock-chat',
  provider: 'openai-compatible',
  baseUrl: 'http://mock.test/v1/',
  apiKey: 'sk-mock-0000000000',
  upstreamModel: 'mock-chat',
  weight: 1,
};

function errorOf(run: () => unknown): DeploymentConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof DeploymentConfigError) return err;
    throw err;
  }
  throw new Error('expected a DeploymentConfigError');
}

const load = (deployments: unknown[], env: Record<string, string | undefined> = {}) => loadDeploymentConfig({ file: { deployments }, env });

describe('loadDeploymentConfig: file', () => {
  it('loads a deployment with defaults and normalizes the base URL', () => {
    const { deployments, models } = load([{ ...base, weight: undefined, upstreamModel: undefined }]);
    expect(deployments).toHaveLength(1);
    expect(deployments[0]).toMatchObject({
      id: 'dep_mock',
      model: 'mock-chat',
      provider: 'openai-compatible',
      baseUrl: 'http://mock.test/v1',
      upstreamModel: 'mock-chat',
      weight: 1,
      source: 'file',
    });
    expect(deployments[0]!.apiKey.reveal()).toBe('sk-mock-0000000000');
    expect(models).toEqual([{ name: 'mock-chat', deploymentIds: ['dep_mock'], fallbacks: [] }]);
  });

  it('keeps limits, price override and fallbacks', () => {
    const { deployments, models } = load([
      {
        ...base,
        rpm: 60,
        tpm: 100_000,
        timeoutMs: 30_000,
        fallbacks: ['backup'],
        priceOverride: { inputPerMillion: '0.27', outputPerMillion: '1.10', cachedInputPerMillion: '0.07', currency: 'USD' },
      },
      { ...base, id: 'dep_backup', model: 'backup' },
    ]);
    expect(deployments[0]).toMatchObject({
      rpm: 60,
      tpm: 100_000,
      timeoutMs: 30_000,
      priceOverride: { inputPerMillion: '0.27', outputPerMillion: '1.10', cachedInputPerMillion: '0.07', currency: 'USD' },
    });
    expect(models.find((m) => m.name === 'mock-chat')!.fallbacks).toEqual(['backup']);
  });

  it('reads the key from the variable named by apiKeyEnv', () => {
    const { deployments } = load([{ ...base, apiKey: undefined, apiKeyEnv: 'MOCK_KEY' }], { MOCK_KEY: 'sk-from-env-123456' });
    expect(deployments[0]!.apiKey.reveal()).toBe('sk-from-env-123456');
  });

  it.each([
    ['a bad URL', [base, base, { ...base, id: 'dep_c', baseUrl: 'not a url' }], 'deployments[2].baseUrl: must be a URL'],
    ['a non-http URL', [{ ...base, baseUrl: 'ftp://x.test' }], 'deployments[0].baseUrl: must be a URL'],
    [
      'an unknown provider',
      [{ ...base, provider: 'anthropic' }],
      'deployments[0].provider: must be one of "openai", "deepseek", "openai-compatible"',
    ],
    ['a missing model', [{ ...base, model: undefined }], 'deployments[0].model: is required'],
    ['a fractional weight', [{ ...base, weight: 1.5 }], 'deployments[0].weight: must be an integer'],
    ['a negative weight', [{ ...base, weight: -1 }], 'deployments[0].weight: must be ≥ 0'],
    ['a string weight', [{ ...base, weight: '2' }], 'deployments[0].weight: must be a number'],
    ['a zero rpm', [{ ...base, rpm: 0 }], 'deployments[0].rpm: must be ≥ 1'],
    ['a typo in a key', [{ ...base, wieght: 2 }], 'deployments[0]: unknown key "wieght"'],
    [
      'a float price',
      [{ ...base, priceOverride: { inputPerMillion: 0.27, outputPerMillion: '1', currency: 'USD' } }],
      'deployments[0].priceOverride.inputPerMillion: must be a string',
    ],
    [
      'a bad currency',
      [{ ...base, priceOverride: { inputPerMillion: '1', outputPerMillion: '1', currency: 'usd' } }],
      'deployments[0].priceOverride.currency: must be a three-letter currency code such as "USD"',
    ],
    ['an id without dep_', [{ ...base, id: 'mock' }], 'deployments[0].id: must be "dep_" followed by letters, digits, ".", "_" or "-"'],
    ['both apiKey and apiKeyEnv', [{ ...base, apiKeyEnv: 'X' }], 'deployments[0]: only one of "apiKey" or "apiKeyEnv" may be given'],
    [
      'neither apiKey nor apiKeyEnv for a provider that needs a key',
      [{ ...base, provider: 'deepseek', apiKey: undefined }],
      'deployments[0]: exactly one of "apiKey" or "apiKeyEnv" is required (only "openai-compatible" may have neither)',
    ],
    [
      'an unset apiKeyEnv',
      [{ ...base, apiKey: undefined, apiKeyEnv: 'MISSING_KEY' }],
      'deployments[0].apiKeyEnv: environment variable MISSING_KEY is not set',
    ],
    ['a duplicate id', [base, { ...base, model: 'other' }], 'deployments[1].id: duplicate id "dep_mock" (also deployments[0])'],
    ['an unknown fallback', [{ ...base, fallbacks: ['nope'] }], 'deployments[0].fallbacks[0]: unknown model "nope"'],
    ['a fallback to itself', [{ ...base, fallbacks: ['mock-chat'] }], 'deployments[0].fallbacks[0]: a model cannot fall back to itself'],
    [
      'a model drained entirely',
      [
        { ...base, weight: 0 },
        { ...base, id: 'dep_b', weight: 0 },
      ],
      'deployments[0].weight: every deployment of model "mock-chat" has weight 0; at least one must be > 0',
    ],
  ])('rejects %s, naming the path', (_case, deployments, message) => {
    expect(errorOf(() => load(deployments)).message).toBe(message);
  });

  it('rejects a file that is not an object with deployments', () => {
    expect(errorOf(() => loadDeploymentConfig({ file: [], env: {} })).message).toBe('(root): must be an object');
    expect(errorOf(() => loadDeploymentConfig({ file: {}, env: {} })).message).toBe('deployments: is required');
  });

  it('reports every problem at once, each with its path', () => {
    const err = errorOf(() =>
      load([
        { ...base, baseUrl: 'x' },
        { ...base, id: 'dep_b', weight: -2 },
      ]),
    );
    expect(err.code).toBe('deployment_config_invalid');
    expect(err.issues.map((i) => i.path)).toEqual(['deployments[0].baseUrl', 'deployments[1].weight']);
  });

  it('allows weight 0 when another deployment of the model carries traffic', () => {
    const { deployments } = load([base, { ...base, id: 'dep_drained', weight: 0 }]);
    expect(deployments.map((d) => d.weight)).toEqual([1, 0]);
  });

  it('never echoes a key in its error message', () => {
    const err = errorOf(() =>
      load([
        { ...base, apiKey: 'sk-leaky-5555555555', apiKeyEnv: 'ALSO' },
        { ...base, apiKey: 12345678 },
      ]),
    );
    expect(err.message).not.toContain('sk-leaky');
    expect(JSON.stringify(err)).not.toContain('sk-leaky');
    expect(err.message).not.toContain('12345678');
  });
});

describe('loadDeploymentConfig: env conveniences', () => {
  it('needs no file: DEEPSEEK_API_KEY stands up DeepSeek models, old names included', () => {
    const { deployments, models } = loadDeploymentConfig({ env: { DEEPSEEK_API_KEY: 'sk-ds-1234567890' } });
    expect(models.map((m) => m.name)).toEqual(['deepseek-flash', 'deepseek-v4-pro', 'deepseek-chat', 'deepseek-reasoner']);
    expect(deployments.map((d) => d.id)).toEqual([
      'dep_env_deepseek_deepseek-flash',
      'dep_env_deepseek_deepseek-v4-pro',
      'dep_env_deepseek_deepseek-chat',
      'dep_env_deepseek_deepseek-reasoner',
    ]);
    for (const d of deployments) {
      expect(d).toMatchObject({
        provider: 'deepseek',
        baseUrl: 'https://api.deepseek.com',
        weight: 1,
        source: 'env',
        upstreamModel: d.model,
      });
      expect(d.apiKey.reveal()).toBe('sk-ds-1234567890');
    }
  });

  it('OPENAI_API_KEY stands up gpt-4o-mini and gpt-4o at OPENAI_BASE_URL', () => {
    const { deployments } = loadDeploymentConfig({
      env: { OPENAI_API_KEY: 'sk-oa-1234567890', OPENAI_BASE_URL: 'https://proxy.test/openai/v1/' },
    });
    expect(deployments.map((d) => [d.id, d.model, d.baseUrl])).toEqual([
      ['dep_env_openai_gpt-4o-mini', 'gpt-4o-mini', 'https://proxy.test/openai/v1'],
      ['dep_env_openai_gpt-4o', 'gpt-4o', 'https://proxy.test/openai/v1'],
    ]);
  });

  it('treats empty variables as unset', () => {
    expect(loadDeploymentConfig({ env: { DEEPSEEK_API_KEY: '', OPENAI_API_KEY: '  ' } }).deployments).toEqual([]);
  });

  it('names a bad base URL variable', () => {
    expect(errorOf(() => loadDeploymentConfig({ env: { DEEPSEEK_API_KEY: 'k', DEEPSEEK_BASE_URL: 'api.deepseek.com' } })).message).toBe(
      'env.DEEPSEEK_BASE_URL: must be a URL',
    );
  });

  it('adds env deployments next to the file, but leaves aliases the file defines alone', () => {
    const { deployments, models } = load(
      [{ ...base, id: 'dep_my_ds', model: 'deepseek-chat', provider: 'deepseek', baseUrl: 'https://my-proxy.test' }],
      { DEEPSEEK_API_KEY: 'sk-ds-1234567890' },
    );
    expect(models.find((m) => m.name === 'deepseek-chat')!.deploymentIds).toEqual(['dep_my_ds']);
    expect(deployments.map((d) => d.id)).toContain('dep_env_deepseek_deepseek-flash');
    expect(deployments.map((d) => d.id)).not.toContain('dep_env_deepseek_deepseek-chat');
  });

  it('lets a file alias fall back to an env-derived model', () => {
    const { models } = load([{ ...base, fallbacks: ['deepseek-flash'] }], { DEEPSEEK_API_KEY: 'k' });
    expect(models[0]!.fallbacks).toEqual(['deepseek-flash']);
  });

  it('refuses a file entry that takes an env-derived id', () => {
    expect(errorOf(() => load([{ ...base, id: 'dep_env_openai_gpt-4o' }], { OPENAI_API_KEY: 'k' })).message).toBe(
      'deployments[0].id: id "dep_env_openai_gpt-4o" is reserved for an env-derived deployment',
    );
  });
});

describe('keyless OpenAI-compatible endpoints', () => {
  it('loads an openai-compatible deployment without a key (Ollama, vLLM) with an empty one', () => {
    const config = loadDeploymentConfig({
      file: { deployments: [{ ...base, apiKey: undefined, baseUrl: 'http://127.0.0.1:11434' }] },
      env: {},
    });
    expect(config.deployments[0].apiKey.reveal()).toBe('');
  });
});

describe('strict tool schemas', () => {
  it('takes a per-deployment strictToolsBaseUrl, and names it when it is not a URL', () => {
    const config = loadDeploymentConfig({
      file: { deployments: [{ ...base, provider: 'deepseek', strictToolsBaseUrl: 'https://proxy.test/ds-beta/' }] },
      env: {},
    });
    expect(config.deployments[0].strictToolsBaseUrl).toBe('https://proxy.test/ds-beta');
    expect(
      errorOf(() => loadDeploymentConfig({ file: { deployments: [{ ...base, strictToolsBaseUrl: 'beta' }] }, env: {} })).message,
    ).toContain('deployments[0].strictToolsBaseUrl: must be a URL');
  });
});
