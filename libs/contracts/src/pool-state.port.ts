// The live state of deployments, as model-pool sees it: the admin API's state view asks for it. Bound
// in process when standalone, to model-pool's internal route when distributed (like the chat port).

/** One deployment in model-pool's loaded pool config and its health store (model-routing's HealthSnapshot as JSON). */
export interface DeploymentLiveState {
  /** False when model-pool has not loaded it (yet, or ever: see `problem`). */
  loaded: boolean;
  /** Why a stored deployment is left out of routing, e.g. its credential does not open with SHOAL_SECRET_KEY. */
  problem?: string;
  /** The config version model-pool routes with. */
  configVersion: number;
  health?: {
    cooldown?: { untilMs: number; reason: string };
    breaker: string;
    consecutiveFailures: number;
    lastFailureKind?: string;
    inFlight: number;
    ttftEwmaMs?: number;
    latencyEwmaMs?: number;
    recentErrorRate?: number;
    rpmUsed?: number;
    tpmUsed?: number;
    shared: boolean;
  };
}

export interface PoolStatePort {
  /** The live state of `ids` (at most 100) among the deployments `tenantId` may see. */
  deploymentStates(tenantId: string, ids: readonly string[], signal?: AbortSignal): Promise<Record<string, DeploymentLiveState>>;
}

export const POOL_STATE_PORT = Symbol.for('shoal.PoolStatePort');
export const MAX_STATE_IDS = 100;
