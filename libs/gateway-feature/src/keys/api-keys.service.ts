// Keys of the caller's tenant: created with a secret shown once, listed without it, revoked and
// rotated. A revoked key is dropped from this process's cache at once.
import { Inject, Injectable } from '@nestjs/common';
import { looksLikeId } from '@shoal/contracts';
import { ApiError, ApiKeyAuthenticator, ApiKeysRepository, type ApiKeyView, type RequestContext } from '@shoal/platform';
import { WorkflowsRepository } from '../workflows/workflows.repository';
import type { CreateApiKeyInput } from './api-keys.request';

@Injectable()
export class ApiKeysService {
  constructor(
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Inject(ApiKeyAuthenticator) private readonly auth: ApiKeyAuthenticator,
    @Inject(WorkflowsRepository) private readonly workflows: WorkflowsRepository,
  ) {}

  async create(ctx: RequestContext, input: CreateApiKeyInput): Promise<{ key: ApiKeyView; secret: string }> {
    if (input.workflowId && !(await this.workflows.exists(ctx.tenantId, input.workflowId)))
      throw ApiError.validation(`Invalid request: workflow_id '${input.workflowId}' is not a workflow of this tenant`, [
        { path: 'workflow_id', message: 'is not a workflow of this tenant' },
      ]);
    return this.keys.create(ctx.tenantId, input);
  }

  list(ctx: RequestContext, opts: { limit: number; after?: string }) {
    return this.keys.list(ctx.tenantId, opts);
  }

  async get(ctx: RequestContext, id: string): Promise<ApiKeyView> {
    const key = looksLikeId(id, 'key') ? await this.keys.get(ctx.tenantId, id) : null;
    if (!key) throw ApiError.notFound('API key', id);
    return key;
  }

  async revoke(ctx: RequestContext, id: string): Promise<ApiKeyView> {
    const revoked = looksLikeId(id, 'key') ? await this.keys.revoke(ctx.tenantId, id) : null;
    if (!revoked) throw ApiError.notFound('API key', id);
    this.auth.forget(revoked.hash);
    return revoked.key;
  }

  async rotate(ctx: RequestContext, id: string): Promise<{ key: ApiKeyView; secret: string }> {
    const rotated = looksLikeId(id, 'key') ? await this.keys.rotate(ctx.tenantId, id) : null;
    if (!rotated) throw ApiError.notFound('API key', id);
    if (rotated === 'revoked') throw new ApiError('conflict', `API key '${id}' is revoked or expired; create a new key instead`);
    this.auth.forget(rotated.revokedHash);
    return { key: rotated.key, secret: rotated.secret };
  }
}
