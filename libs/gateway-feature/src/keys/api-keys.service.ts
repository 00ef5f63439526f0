// Keys of the caller's tenant: created with a secret shown once, listed without it, revoked and
// rotated. A revoked key stops working on every replica at once (ApiKeyChanges).
import { Inject, Injectable } from '@nestjs/common';
import { looksLikeId } from '@shoal/contracts';
import { ApiError, ApiKeyChanges, ApiKeysRepository, type ApiKeyView, type RequestContext } from '@shoal/platform';
import { WorkflowsRepository } from '../workflows/workflows.repository';
import type { CreateApiKeyInput } from './api-keys.request';

@Injectable()
export class ApiKeysService {
  constructor(
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Inject(ApiKeyChanges) private readonly changes: ApiKeyChanges,
    @Inject(WorkflowsRepository) private readonly workflows: WorkflowsRepository,
  ) {}

  async create(ctx: RequestContext, input: CreateApiKeyInput): Promise<{ key: ApiKeyView; secret: string }> {
    if (input.workflowId && !(await this.workflows.exists(ctx.tenantId, input.workflowId)))
      throw ApiError.validation(`Invalid request: workflow_id '${input.workflowId}' is not a workflow of this tenant`, [
        { path: 'workflow_id', message: 'is not a workflow of this tenant' },
      ]);
    return this.changes.create(ctx.tenantId, input);
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
    const revoked = looksLikeId(id, 'key') ? await this.changes.revokeKey(ctx.tenantId, id) : null;
    if (!revoked) throw ApiError.notFound('API key', id);
    return revoked;
  }

  async rotate(ctx: RequestContext, id: string): Promise<{ key: ApiKeyView; secret: string }> {
    const rotated = looksLikeId(id, 'key') ? await this.changes.rotate(ctx.tenantId, id) : null;
    if (!rotated) throw ApiError.notFound('API key', id);
    if (rotated === 'revoked') throw new ApiError('conflict', `API key '${id}' is revoked or expired; create a new key instead`);
    return { key: rotated.key, secret: rotated.secret };
  }
}
