import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { SecretBox, SecretBoxError, parseSecretsKey } from './secret-box';
import { blankWorkflowSecrets, openWorkflowSecrets, sealWorkflowSecrets } from './workflow-secrets';

const key = randomBytes(32);

describe('SecretBox (AES-256-GCM)', () => {
  it('seals to a value that holds no trace of the plaintext and opens back to it', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('hunter2-päss', 'ten_a:env:token');
    expect(sealed).toMatch(/^shoal:enc:v1:/);
    expect(sealed).not.toContain('hunter2');
    expect(box.seal('hunter2-päss', 'ten_a:env:token')).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, 'ten_a:env:token')).toBe('hunter2-päss');
  });

  it('refuses another owner, another key, and an altered value', () => {
    const sealed = new SecretBox(key).seal('s3cret', 'ten_a:env:token');
    expect(() => new SecretBox(key).open(sealed, 'ten_b:env:token')).toThrow(SecretBoxError);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'ten_a:env:token')).toThrow(/SHOAL_SECRETS_KEY/);
    const flipped = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'BA' : 'AA');
    expect(() => new SecretBox(key).open(flipped, 'ten_a:env:token')).toThrow(SecretBoxError);
    expect(() => new SecretBox(key).open('shoal:enc:v1:abc', 'ten_a:env:token')).toThrow(/truncated/);
  });

  it('never prints its key', () => {
    const box = new SecretBox(key);
    const b64 = key.toString('base64');
    expect(JSON.stringify({ box })).not.toContain(b64);
    expect(inspect(box, { showHidden: true, depth: 5 })).not.toContain(b64);
    expect(inspect(box)).not.toContain(key.toString('hex'));
  });

  it('parses SHOAL_SECRETS_KEY as base64 or base64url of exactly 32 bytes', () => {
    expect(parseSecretsKey(key.toString('base64'))?.equals(key)).toBe(true);
    expect(parseSecretsKey(key.toString('base64url'))?.equals(key)).toBe(true);
    expect(parseSecretsKey(randomBytes(16).toString('base64'))).toBeNull();
    expect(parseSecretsKey('not base64!')).toBeNull();
  });
});

describe('workflow secrets', () => {
  const graph = {
    nodes: [],
    environment_variables: [
      { name: 'token', value_type: 'secret', value: 'tok-123456' },
      { name: 'empty', value_type: 'secret', value: '' },
      { name: 'region', value_type: 'string', value: 'eu' },
    ],
  };

  it('seals only non-empty secret values, blanks every secret in answers, opens the sealed ones by name', () => {
    const box = new SecretBox(key);
    const sealed = sealWorkflowSecrets(graph, 'ten_a', box);
    expect(JSON.stringify(sealed)).not.toContain('tok-123456');
    expect(sealed.environment_variables[2]).toEqual(graph.environment_variables[2]);
    expect(graph.environment_variables[0].value).toBe('tok-123456'); // the input is not changed
    expect(blankWorkflowSecrets(sealed).environment_variables.map((v) => v.value)).toEqual(['', '', 'eu']);
    expect(openWorkflowSecrets(sealed, 'ten_a', box)).toEqual({ token: 'tok-123456' });
    expect(() => openWorkflowSecrets(sealed, 'ten_a', null)).toThrow(/'token' is encrypted, and SHOAL_SECRETS_KEY is not set/);
  });
});
