import { ConfigError } from '@shoal/platform';
import { loadEngineConfig } from './engine.config';

const base = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/shoal',
  REDIS_URL: 'redis://127.0.0.1:6379',
  MODEL_POOL_URL: 'http://127.0.0.1:8082',
  SHOAL_INTERNAL_TOKEN: 'internal-token-0123456789',
};

describe('engine config: outbound HTTP', () => {
  it('parses SHOAL_HTTP_ALLOW once, into ranges and hosts, with Dify-named limits', () => {
    const c = loadEngineConfig({ ...base, SHOAL_HTTP_ALLOW: '10.0.0.0/8, 127.0.0.1 api.internal', HTTP_REQUEST_MAX_READ_TIMEOUT: '30' });
    expect(c.SHOAL_HTTP_ALLOW).toEqual({ cidrs: ['10.0.0.0/8', '127.0.0.1/32'], hosts: ['api.internal'] });
    expect(c.HTTP_REQUEST_MAX_READ_TIMEOUT).toBe(30);
    expect(c.HTTP_REQUEST_NODE_MAX_BINARY_SIZE).toBe(10 * 1024 * 1024);
    expect(loadEngineConfig(base).SHOAL_HTTP_ALLOW).toEqual({ cidrs: [], hosts: [] });
  });

  it('stops on a bad allowlist entry, naming the variable and the entry', () => {
    let error: unknown;
    try {
      loadEngineConfig({ ...base, SHOAL_HTTP_ALLOW: '10.0.0.0/8,10.0.0.0/99' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { variable: 'SHOAL_HTTP_ALLOW', message: "entry '10.0.0.0/99' has a bad prefix length (0-32)" },
    ]);
  });
});
