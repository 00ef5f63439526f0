// Where API keys change: every change goes through here, so that each replica's key cache hears of it.
import { Inject, Injectable } from '@nestjs/common';
import { hashApiKey } from './api-key';
import { ApiKeysRepository, type ApiKeyView, type NewApiKey } from './api-keys.repository';
import { KEY_INVALIDATION_BUS, type KeyInvalidationBus } from './key-invalidation.bus';

@Injectable()
export class ApiKeyChanges {
  constructor(
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Inject(KEY_INVALIDATION_BUS) private readonly bus: KeyInvalidationBus,
  ) {}

  /** Revokes the tenant's key everywhere: no replica accepts it once this resolves (give pub/sub a moment). False when there is no such key. */
  async revoke(tenantId: string, keyId: string): Promise<boolean> {
    return (await this.revokeKey(tenantId, keyId)) !== null;
  }

  /** As revoke, answering the revoked key (null when the tenant has no such key). */
  async revokeKey(tenantId: string, keyId: string): Promise<ApiKeyView | null> {
    const revoked = await this.keys.revoke(tenantId, keyId);
    if (revoked === null) return null;
    await this.bus.publish(revoked.hash);
    return revoked.key;
  }

  /** A new secret for the key's settings; the old secret stops working everywhere. */
  async rotate(tenantId: string, keyId: string) {
    const rotated = await this.keys.rotate(tenantId, keyId);
    if (rotated && rotated !== 'revoked') {
      await this.bus.publish(rotated.revokedHash);
      await this.created(hashApiKey(rotated.secret));
    }
    return rotated;
  }

  /** A new key of the tenant; the secret is returned once. */
  async create(tenantId: string, input: NewApiKey): Promise<{ key: ApiKeyView; secret: string }> {
    const created = await this.keys.create(tenantId, input);
    await this.created(hashApiKey(created.secret));
    return created;
  }

  /** A tenant and its first admin key. */
  async createTenant(name: string) {
    const created = await this.keys.createTenant(name);
    await this.created(hashApiKey(created.secret));
    return created;
  }

  /** A key was created under `hash`: replicas that remembered it as unknown forget that. */
  async created(hash: string): Promise<void> {
    await this.bus.publish(hash);
  }
}
