// POOL_STATE_PORT served in process (standalone, or a gateway composed with model-pool in tests).
import { Inject, Injectable } from '@nestjs/common';
import type { DeploymentLiveState, PoolStatePort } from '@shoal/contracts';
import { PoolRouters } from './pool-routers';

@Injectable()
export class PoolStateService implements PoolStatePort {
  constructor(@Inject(PoolRouters) private readonly pools: PoolRouters) {}

  deploymentStates(tenantId: string, ids: readonly string[]): Promise<Record<string, DeploymentLiveState>> {
    return this.pools.liveState(tenantId, ids);
  }
}
