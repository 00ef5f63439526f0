import { loadDeploymentConfig } from './deployment.config';
import { DeploymentConfigError } from './deployment-config.error';

const dep = (id: string, model: string, extra: object = {}) => ({
  id,
  model,
  provider: 'openai-compatible',
  baseUrl: 'http://mock.test/v1',
  apiKey: 'sk-mock-0000000000',
  ...extra,
});

const load = (file: object) => loadDeploymentConfig({ file, env: {} });

describe('loadDeploymentConfig: the aliases section', () => {
  it('sets strategy, fallbacks and stream timeouts per alias; deployment fallbacks still count, first', () => {
    const { models, deployments } = load({
      deployments: [
        dep('dep_a', 'fast', { fallbacks: ['big'], maxConcurrency: 500, contextWindow: 8192 }),
        dep('dep_b', 'big'),
        dep('dep_c', 'spare'),
      ],
      aliases: [{ name: 'fast', strategy: 'latency', fallbacks: ['spare', 'big'], ttftTimeoutMs: 5000, stallTimeoutMs: 20000 }],
    });
    expect(models.find((m) => m.name === 'fast')).toEqual({
      name: 'fast',
      deploymentIds: ['dep_a'],
      fallbacks: ['big', 'spare'],
      strategy: 'latency',
      ttftTimeoutMs: 5000,
      stallTimeoutMs: 20000,
    });
    expect(models.find((m) => m.name === 'big')).toEqual({ name: 'big', deploymentIds: ['dep_b'], fallbacks: [] });
    expect(deployments[0]).toMatchObject({ maxConcurrency: 500, contextWindow: 8192 });
  });

  it('names each bad alias field', () => {
    let err: unknown;
    try {
      load({
        deployments: [dep('dep_a', 'fast')],
        aliases: [{ name: 'fast', strategy: 'fastest', fallbacks: ['nope'] }, { name: 'ghost' }],
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DeploymentConfigError);
    expect((err as Error).message).toContain('aliases[0].strategy');
    let err2: unknown;
    try {
      load({
        deployments: [dep('dep_a', 'fast')],
        aliases: [{ name: 'fast', fallbacks: ['nope', 'fast'] }, { name: 'ghost' }, { name: 'fast' }],
      });
    } catch (e) {
      err2 = e;
    }
    const issues = (err2 as DeploymentConfigError).issues.map((i) => `${i.path}: ${i.message}`);
    expect(issues).toEqual([
      'aliases[0].fallbacks[0]: unknown model "nope"',
      'aliases[0].fallbacks[1]: a model cannot fall back to itself',
      'aliases[1].name: no deployment serves model "ghost"',
      'aliases[2].name: "fast" is listed twice',
    ]);
  });
});
