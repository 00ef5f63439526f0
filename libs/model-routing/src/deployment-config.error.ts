export interface ConfigIssue {
  /** `deployments[2].baseUrl`, or `env.DEEPSEEK_BASE_URL` for env conveniences. */
  readonly path: string;
  readonly message: string;
}

/**
 * The deployment config is invalid; the app stops at boot with this message. The message names
 * each failing path and never echoes the offending value (it could be an API key).
 */
export class DeploymentConfigError extends Error {
  readonly code = 'deployment_config_invalid' as const;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.name = 'DeploymentConfigError';
    this.issues = issues;
  }
}
