import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { createCipheriv } from 'node:crypto';
import { SecretBox, SecretBoxError, parseSecretsKey, secretKeyId } from './secret-box';
import { ConfigError, parseSecretKeys } from '../config/parse-config';
import { blankWorkflowSecrets, openWorkflowSecrets, sealWorkflowSecrets } from './workflow-secrets';

const key = randomBytes(32);

describe('SecretBox (AES-256-GCM)', () => {
  it('seals to a value that holds no trace of the plaintext and opens back to it', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('hunter2-päss', 'ten_a:env:token');
    expect(sealed).toMatch(new RegExp(`^shoal:enc:v2:${secretKeyId(key)}:[A-Za-z0-9_-]+$`));
    expect(sealed).not.toContain('hunter2');
    expect(box.seal('hunter2-päss', 'ten_a:env:token')).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, 'ten_a:env:token')).toBe('hunter2-päss');
  });

  it('refuses another owner, another key, and an altered value', () => {
    const sealed = new SecretBox(key).seal('s3cret', 'ten_a:env:token');
    expect(() => new SecretBox(key).open(sealed, 'ten_b:env:token')).toThrow(SecretBoxError);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'ten_a:env:token')).toThrow(
      /neither SHOAL_SECRET_KEY nor in SHOAL_SECRET_KEY_PREVIOUS/,
    );
    const flipped = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'BA' : 'AA');
    expect(() => new SecretBox(key).open(flipped, 'ten_a:env:token')).toThrow(SecretBoxError);
    expect(() => new SecretBox(key).open('shoal:enc:v1:abc', 'ten_a:env:token')).toThrow(/truncated/);
    expect(() => new SecretBox(key).open(`shoal:enc:v2:${secretKeyId(key)}:abc`, 'ten_a:env:token')).toThrow(/truncated/);
  });

  it('never prints its key', () => {
    const box = new SecretBox(key);
    const b64 = key.toString('base64');
    expect(JSON.stringify({ box })).not.toContain(b64);
    expect(inspect(box, { showHidden: true, depth: 5 })).not.toContain(b64);
    expect(inspect(box)).not.toContain(key.toString('hex'));
  });

  it('parses a secret key as base64 or base64url of exactly 32 bytes', () => {
    expect(parseSecretsKey(key.toString('base64'))?.equals(key)).toBe(true);
    expect(parseSecretsKey(key.toString('base64url'))?.equals(key)).toBe(true);
    expect(parseSecretsKey(randomBytes(16).toString('base64'))).toBeNull();
    expect(parseSecretsKey('not base64!')).toBeNull();
  });
});

describe('SecretBox key rotation', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it('opens what a previous key sealed, seals with the current one only, and says what needs resealing', () => {
    const sealedOld = new SecretBox(oldKey).seal('sk-old-credential', 'platform:cred:cred_1');
    const box = new SecretBox(newKey, [oldKey]);
    expect(box.open(sealedOld, 'platform:cred:cred_1')).toBe('sk-old-credential');
    expect(box.needsReseal(sealedOld)).toBe(true);
    const resealed = box.seal(box.open(sealedOld, 'platform:cred:cred_1'), 'platform:cred:cred_1');
    expect(SecretBox.keyIdOf(resealed)).toBe(secretKeyId(newKey));
    expect(box.needsReseal(resealed)).toBe(false);
    // once the old key is gone from PREVIOUS, only resealed values open
    const newOnly = new SecretBox(newKey);
    expect(newOnly.open(resealed, 'platform:cred:cred_1')).toBe('sk-old-credential');
    expect(() => newOnly.open(sealedOld, 'platform:cred:cred_1')).toThrow(new RegExp(secretKeyId(oldKey)));
  });

  it('still opens a v1 value (no key id) with the current or a previous key', () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', oldKey, iv);
    cipher.setAAD(Buffer.from('ten_a:env:token', 'utf8'));
    const body = Buffer.concat([cipher.update('legacy', 'utf8'), cipher.final()]);
    const v1 = 'shoal:enc:v1:' + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    expect(new SecretBox(newKey, [oldKey]).open(v1, 'ten_a:env:token')).toBe('legacy');
    expect(new SecretBox(newKey, [oldKey]).needsReseal(v1)).toBe(true);
    expect(() => new SecretBox(newKey).open(v1, 'ten_a:env:token')).toThrow(SecretBoxError);
  });

  it('reads SHOAL_SECRET_KEY, its older name SHOAL_SECRETS_KEY, and SHOAL_SECRET_KEY_PREVIOUS in one place', () => {
    const a = oldKey.toString('base64');
    const b = newKey.toString('base64');
    expect(parseSecretKeys({ SHOAL_SECRET_KEY: b, SHOAL_SECRET_KEY_PREVIOUS: `${a}, ` })).toEqual({ current: newKey, previous: [oldKey] });
    expect(parseSecretKeys({ SHOAL_SECRETS_KEY: a })?.current.equals(oldKey)).toBe(true);
    expect(parseSecretKeys({})).toBeNull();
    expect(() => parseSecretKeys({ SHOAL_SECRET_KEY: b, SHOAL_SECRETS_KEY: a })).toThrow(ConfigError);
    expect(() => parseSecretKeys({ SHOAL_SECRET_KEY_PREVIOUS: a })).toThrow(/SHOAL_SECRET_KEY: is required/);
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
    expect(() => openWorkflowSecrets(sealed, 'ten_a', null)).toThrow(/'token' is encrypted, and SHOAL_SECRET_KEY is not set/);
  });
});
