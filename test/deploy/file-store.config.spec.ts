// SHOAL_FILE_STORE and its settings as the three apps that keep files read them: parsed once, a bad
// value stopping boot naming the variable, the secret never echoed.
import { ConfigError, fileStoreSettingsOf } from '@shoal/platform';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { loadStandaloneConfig } from '../../apps/standalone/src/standalone.config';
import { loadEngineConfig } from '../../apps/workflow-engine/src/engine.config';

const base = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/shoal',
  REDIS_URL: 'redis://127.0.0.1:6379',
  MODEL_POOL_URL: 'http://127.0.0.1:8082',
  BILLING_URL: 'http://127.0.0.1:8083',
  SHOAL_INTERNAL_TOKEN: 'internal-token-0123456789',
};

function issues(load: () => unknown): ConfigError['issues'] {
  try {
    load();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error('the configuration was accepted');
}

describe('file store configuration', () => {
  it('keeps Postgres by default in distributed mode, so existing deployments keep their files', () => {
    expect(fileStoreSettingsOf(loadEngineConfig(base))).toEqual({ kind: 'postgres' });
    expect(fileStoreSettingsOf(loadGatewayConfig(base))).toEqual({ kind: 'postgres' });
  });

  it('keeps files under the data directory by default in standalone mode', () => {
    const c = loadStandaloneConfig({ SHOAL_DATA_DIR: '/var/lib/shoal' });
    expect(fileStoreSettingsOf(c, { defaultDir: `${c.SHOAL_DATA_DIR}/files` })).toEqual({ kind: 'fs', dir: '/var/lib/shoal/files' });
    const own = loadStandaloneConfig({ SHOAL_DATA_DIR: '/var/lib/shoal', SHOAL_FILE_STORE_DIR: '/mnt/files' });
    expect(fileStoreSettingsOf(own, { defaultDir: '/var/lib/shoal/files' })).toEqual({ kind: 'fs', dir: '/mnt/files' });
    expect(fileStoreSettingsOf(loadStandaloneConfig({ SHOAL_FILE_STORE: 'postgres' }))).toEqual({ kind: 'postgres' });
  });

  it('reads a shared directory and an S3-compatible bucket', () => {
    expect(fileStoreSettingsOf(loadEngineConfig({ ...base, SHOAL_FILE_STORE: 'fs', SHOAL_FILE_STORE_DIR: '/data/files' }))).toEqual({
      kind: 'fs',
      dir: '/data/files',
    });
    const s3 = loadGatewayConfig({
      ...base,
      SHOAL_FILE_STORE: 's3',
      SHOAL_S3_BUCKET: 'shoal-files',
      SHOAL_S3_ENDPOINT: 'https://minio.internal:9000',
      SHOAL_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      SHOAL_S3_SECRET_ACCESS_KEY: 'secret-example',
      SHOAL_S3_FORCE_PATH_STYLE: 'true',
      SHOAL_S3_PREFIX: '/shoal/files/',
    });
    expect(fileStoreSettingsOf(s3)).toEqual({
      kind: 's3',
      s3: {
        bucket: 'shoal-files',
        region: 'us-east-1',
        endpoint: 'https://minio.internal:9000',
        accessKeyId: 'AKIAEXAMPLE',
        secretAccessKey: 'secret-example',
        forcePathStyle: true,
        prefix: 'shoal/files/',
      },
    });
    // no keys: the SDK's own chain (an IAM role, AWS_* variables)
    const role = fileStoreSettingsOf(loadEngineConfig({ ...base, SHOAL_FILE_STORE: 's3', SHOAL_S3_BUCKET: 'shoal-files' }));
    expect(role).toMatchObject({
      kind: 's3',
      s3: { accessKeyId: undefined, secretAccessKey: undefined, prefix: '', forcePathStyle: false },
    });
  });

  it('stops boot on a bad value, naming the variable and what it must be', () => {
    expect(issues(() => loadEngineConfig({ ...base, SHOAL_FILE_STORE: 'gcs' }))).toEqual([
      { variable: 'SHOAL_FILE_STORE', message: 'must be postgres, fs or s3' },
    ]);
    expect(issues(() => loadGatewayConfig({ ...base, SHOAL_FILE_STORE: 'fs' }))).toEqual([
      { variable: 'SHOAL_FILE_STORE_DIR', message: 'is required when SHOAL_FILE_STORE is fs' },
    ]);
    expect(issues(() => loadEngineConfig({ ...base, SHOAL_FILE_STORE: 'fs', SHOAL_FILE_STORE_DIR: 'relative/files' }))).toEqual([
      { variable: 'SHOAL_FILE_STORE_DIR', message: 'must be an absolute path' },
    ]);
    expect(issues(() => loadEngineConfig({ ...base, SHOAL_FILE_STORE: 's3' }))).toEqual([
      { variable: 'SHOAL_S3_BUCKET', message: 'is required when SHOAL_FILE_STORE is s3' },
    ]);
    expect(issues(() => loadEngineConfig({ ...base, SHOAL_FILE_STORE: 's3', SHOAL_S3_BUCKET: 'Bad_Bucket' }))[0].variable).toBe(
      'SHOAL_S3_BUCKET',
    );
    expect(issues(() => loadEngineConfig({ ...base, SHOAL_S3_ENDPOINT: 'minio:9000' }))[0].variable).toBe('SHOAL_S3_ENDPOINT');
    expect(issues(() => loadEngineConfig({ ...base, SHOAL_S3_FORCE_PATH_STYLE: 'yes' }))).toEqual([
      { variable: 'SHOAL_S3_FORCE_PATH_STYLE', message: 'must be true or false' },
    ]);
    expect(issues(() => loadEngineConfig({ ...base, SHOAL_S3_PREFIX: 'files/../other' }))[0].variable).toBe('SHOAL_S3_PREFIX');
  });

  it('wants both S3 keys or neither, and never echoes the secret', () => {
    const secret = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
    let error: unknown;
    try {
      loadEngineConfig({ ...base, SHOAL_FILE_STORE: 's3', SHOAL_S3_BUCKET: 'shoal-files', SHOAL_S3_SECRET_ACCESS_KEY: secret });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).issues).toEqual([
      { variable: 'SHOAL_S3_ACCESS_KEY_ID', message: 'is required when SHOAL_S3_SECRET_ACCESS_KEY is set' },
    ]);
    expect((error as Error).message).not.toContain(secret);
    expect(
      issues(() => loadEngineConfig({ ...base, SHOAL_FILE_STORE: 's3', SHOAL_S3_BUCKET: 'shoal-files', SHOAL_S3_ACCESS_KEY_ID: 'AKIA' })),
    ).toEqual([{ variable: 'SHOAL_S3_SECRET_ACCESS_KEY', message: 'is required when SHOAL_S3_ACCESS_KEY_ID is set' }]);
  });
});
