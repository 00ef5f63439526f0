// Where API keys change: every change goes through here, so that each replica's key cache hears of it.
import { Inject, Injectable } from '@nestjs/common';
import { ApiKeysRepository } from './api-keys.repository';
import { KEY_INVALIDATION_BUS, type KeyInvalidationBus } from './key-invalidation.bus';

@Injectable()
export class ApiKeyChanges {
  constructor(
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Inject(KEY_INVALIDATION_BUS) private readonly bus: KeyInvalidationBus,
  ) {}

  /** Revokes the tenant's key everywhere: no replica accepts it once this resolves (give pub/sub a moment). False when there is no such key. */
  async revoke(tenantId: string, keyId: string): Promise<boolean> {
    const hash = await this.keys.revoke(tenantId, keyId);
    if (hash === null) return false;
    await this.bus.publish(hash);
    return true;
  }

  /** A key was created under `hash`: replicas that remembered it as unknown forget that. */
  async created(hash: string): Promise<void> {
    await this.bus.publish(hash);
  }
}
