// Provider credentials through the admin API: the key is sealed here (SecretBox, SHOAL_SECRET_KEY)
// and never leaves in clear; every write tells model-pool's replicas to reload.
import { Inject, Injectable } from '@nestjs/common';
import { newId } from '@shoal/contracts';
import {
  ApiError,
  MAX_CREDENTIALS_PER_SCOPE,
  POOL_CONFIG_BUS,
  PoolCredentialsRepository,
  SecretBox,
  credentialOwner,
  type CredentialView,
  type PoolConfigBus,
  type PoolScope,
} from '@shoal/platform';
import { SECRET_BOX } from '../workflows/workflow-limits';
import { keyHint } from './pool-admin.presenter';

@Injectable()
export class CredentialsService {
  constructor(
    @Inject(PoolCredentialsRepository) private readonly credentials: PoolCredentialsRepository,
    @Inject(POOL_CONFIG_BUS) private readonly bus: PoolConfigBus,
    @Inject(SECRET_BOX) private readonly box: SecretBox | null,
  ) {}

  async create(scope: PoolScope, input: { provider: string; name: string; api_key: string }): Promise<CredentialView> {
    if ((await this.credentials.count(scope)) >= MAX_CREDENTIALS_PER_SCOPE)
      throw new ApiError('conflict', `A scope holds at most ${MAX_CREDENTIALS_PER_SCOPE} credentials; delete unused ones first`);
    const id = newId('cred');
    const created = await this.credentials.create(
      scope,
      { provider: input.provider, name: input.name, ...this.sealed(scope, id, input.api_key) },
      id,
    );
    await this.bus.publish();
    return created;
  }

  list(scope: PoolScope): Promise<CredentialView[]> {
    return this.credentials.list(scope);
  }

  async get(scope: PoolScope, id: string): Promise<CredentialView> {
    return (await this.credentials.get(scope, id)) ?? notFound(id);
  }

  async update(scope: PoolScope, id: string, patch: { name?: string; api_key?: string }): Promise<CredentialView> {
    const updated = await this.credentials.update(scope, id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.api_key !== undefined ? this.sealed(scope, id, patch.api_key) : {}),
    });
    if (!updated) return notFound(id);
    await this.bus.publish();
    return updated;
  }

  async delete(scope: PoolScope, id: string): Promise<CredentialView> {
    const result = await this.credentials.delete(scope, id);
    if (!result) return notFound(id);
    if ('inUseBy' in result)
      throw new ApiError(
        'conflict',
        `Credential '${id}' is used by deployment(s) ${result.inUseBy.join(', ')}; delete or repoint them first`,
        {
          issues: result.inUseBy.map((dep) => ({ path: 'deployments', message: `${dep} uses this credential` })),
        },
      );
    await this.bus.publish();
    return result.deleted;
  }

  private sealed(scope: PoolScope, id: string, apiKey: string): { sealed: string; keyId: string; hint: string } {
    if (!this.box)
      throw new ApiError(
        'unprocessable_content',
        'Provider credentials cannot be stored: this gateway has no SHOAL_SECRET_KEY to encrypt them with',
        {
          issues: [{ path: 'api_key', message: 'needs SHOAL_SECRET_KEY on the gateway to be stored encrypted' }],
        },
      );
    return { sealed: this.box.seal(apiKey, credentialOwner(scope, id)), keyId: this.box.keyId, hint: keyHint(apiKey) };
  }
}

function notFound(id: string): never {
  throw ApiError.notFound('Credential', id);
}
