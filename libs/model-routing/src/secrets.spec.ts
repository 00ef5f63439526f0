import { inspect } from 'node:util';
import { loadDeploymentConfig } from './deployment.config';
import { redactKeyPatterns, redactSecrets, Secret } from './secrets';

const KEY = 'sk-live-4f9c2b7e1d0a4c3b9e8f7a6d5c4b3a21';

describe('Secret', () => {
  const secret = new Secret(KEY);

  it('reveals the key only when asked', () => {
    expect(secret.reveal()).toBe(KEY);
  });

  it.each([
    ['JSON.stringify', () => JSON.stringify({ deployment: { apiKey: secret } })],
    ['a template string', () => `key=${secret}`],
    ['string concatenation', () => 'key=' + secret],
    ['String()', () => String(secret)],
    ['util.inspect', () => inspect({ nested: { apiKey: secret } }, { depth: 10, showHidden: true })],
    ['Object spread + JSON', () => JSON.stringify({ ...secret })],
  ])('does not leak through %s', (_how, render) => {
    const text = render();
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('4f9c2b7e');
  });

  it('prints [redacted]', () => {
    expect(`${secret}`).toBe('[redacted]');
    expect(JSON.stringify(secret)).toBe('"[redacted]"');
    expect(inspect(secret)).toBe('[redacted]');
  });

  it('does not leak from a loaded config, however it is printed', () => {
    const config = loadDeploymentConfig({
      file: { deployments: [{ id: 'dep_a', model: 'm', provider: 'openai', baseUrl: 'https://x.test/v1', apiKey: KEY }] },
      env: { DEEPSEEK_API_KEY: 'sk-deepseek-env-key-99999999' },
    });
    for (const text of [JSON.stringify(config), inspect(config, { depth: 10 }), `${config.deployments[0]!.apiKey}`]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('sk-deepseek-env-key-99999999');
    }
    expect(config.deployments[0]!.apiKey.reveal()).toBe(KEY);
  });
});

describe('redactSecrets', () => {
  it('removes every occurrence of the known secrets', () => {
    const text = `auth failed for ${KEY} (key ${KEY}) and other-secret-value`;
    expect(redactSecrets(text, [new Secret(KEY), 'other-secret-value'])).toBe('auth failed for [redacted] (key [redacted]) and [redacted]');
  });

  it('redacts key-shaped strings it was not told about', () => {
    expect(redactSecrets('Incorrect API key provided: sk-proj-abcd************************wxyz.', [])).toBe(
      'Incorrect API key provided: [redacted].',
    );
  });

  it('ignores tiny secrets rather than shredding the message', () => {
    expect(redactSecrets('a bad request', ['a'])).toBe('a bad request');
  });
});

describe('redactKeyPatterns', () => {
  it.each([
    ['Authorization: Bearer abcdef123456789', 'Authorization: Bearer [redacted]'],
    ['GET /v1?api_key=abcdef123456&x=1', 'GET /v1?api_key=[redacted]&x=1'],
    ['{"apiKey": "abcdef123456"}', '{"apiKey": "[redacted]"}'],
    ['invalid key sk-5a1f00ddeadbeef0', 'invalid key [redacted]'],
  ])('%s', (input, expected) => {
    expect(redactKeyPatterns(input)).toBe(expected);
  });

  it('leaves ordinary text alone', () => {
    expect(redactKeyPatterns("This model's maximum context length is 65536 tokens")).toBe(
      "This model's maximum context length is 65536 tokens",
    );
  });
});
