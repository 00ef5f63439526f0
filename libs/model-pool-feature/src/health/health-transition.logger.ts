// How model-pool tells operators that a deployment's health changed: a bad key or an empty balance
// loudly (error level, once per transition: the store reports a cooldown that starts, not one that
// is extended), a breaker opening as a warning, recoveries as information. Never a secret: deployment
// and credential ids only.
import type { HealthStoreOperation, HealthTransitionEvent } from '@shoal/model-routing';
import { createLogger } from '@shoal/platform';

// made on first use: the root logger (service name, level) is configured after this module loads
let logger: ReturnType<typeof createLogger> | undefined;
const log = (): ReturnType<typeof createLogger> => (logger ??= createLogger('DeploymentHealth'));

export function logHealthTransition(e: HealthTransitionEvent): void {
  const fields = {
    deployment: e.deploymentId,
    transition: e.transition,
    ...(e.kind ? { kind: e.kind } : {}),
    ...(e.cooldownMs !== undefined ? { outForMs: e.cooldownMs } : {}),
    ...(e.credentialId ? { credential: e.credentialId } : {}),
    ...(e.credentialDeployments ? { deployments: e.credentialDeployments } : {}),
  };
  if (e.kind === 'auth' || e.kind === 'insufficient_balance') {
    log().error(
      fields,
      e.kind === 'auth'
        ? 'provider refused the credential (401/403): every deployment using it is out of rotation until an operator fixes the key'
        : 'provider reports insufficient balance (402): every deployment using the credential is out of rotation until it is topped up',
    );
  } else if (e.transition === 'breaker_opened' || e.transition === 'breaker_reopened') {
    log().warn(fields, 'circuit breaker open: deployment out of rotation, a single probe after the open period');
  } else {
    log().info(
      fields,
      e.transition === 'breaker_closed' ? 'circuit breaker closed: deployment back in rotation' : 'deployment cooling down',
    );
  }
}

let lastStoreErrorAt = -Infinity;
/** A failing health store is logged at most once a minute: the router carries on as if all were healthy. */
export function logHealthStoreError(err: unknown, operation: HealthStoreOperation): void {
  const now = Date.now();
  if (now - lastStoreErrorAt < 60_000) return;
  lastStoreErrorAt = now;
  log().warn({ err, operation }, 'health store failed: routing as if every deployment were healthy');
}
