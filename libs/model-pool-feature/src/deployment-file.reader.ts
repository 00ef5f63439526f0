// Reads the deployments file MODEL_POOL_CONFIG names; model-pool and standalone read it the same way.
import { readFileSync } from 'node:fs';
import { ConfigError } from '@shoal/platform';

/** The parsed deployments file; a missing or unparseable file is a config error naming MODEL_POOL_CONFIG. */
export function readDeploymentFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError([{ variable: 'MODEL_POOL_CONFIG', message: `cannot read ${path}: ${(err as Error).message}` }]);
  }
}
