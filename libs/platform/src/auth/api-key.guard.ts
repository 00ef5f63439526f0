import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import { bearerToken, hashApiKey } from './api-key';
import { ApiKeysRepository, type ApiKeyRecord } from './api-keys.repository';
import { REQUEST_CONTEXT, type RequestContext } from './request-context';

const CACHE_TTL_MS = 30_000;

/**
 * Authenticates `Authorization: Bearer <key>` against the stored hashes. Lookups are cached for
 * 30 s per process, so a revoked key stops working within 30 s everywhere.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly cache = new Map<string, { record: ApiKeyRecord | null; until: number }>();

  constructor(@Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository) {}

  async canActivate(host: ExecutionContext): Promise<boolean> {
    const req = host.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> } & Record<string, unknown>>();
    const token = bearerToken(req.headers['authorization']);
    if (!token) throw new ApiError('unauthorized', 'Missing API key: send it as "Authorization: Bearer <key>"');
    const record = await this.lookup(hashApiKey(token));
    const now = new Date();
    if (!record || record.revokedAt || (record.expiresAt && record.expiresAt <= now)) {
      throw new ApiError('unauthorized', 'Invalid API key');
    }
    const traceparent = req.headers['traceparent'];
    const ctx: RequestContext = {
      tenantId: record.tenantId,
      apiKeyId: record.id,
      scopes: record.scopes,
      workflowId: record.workflowId,
      traceparent: typeof traceparent === 'string' ? traceparent : undefined,
    };
    req[REQUEST_CONTEXT] = ctx;
    return true;
  }

  private async lookup(hash: string): Promise<ApiKeyRecord | null> {
    const hit = this.cache.get(hash);
    const now = Date.now();
    if (hit && hit.until > now) return hit.record;
    const record = await this.keys.findByHash(hash);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { record, until: now + CACHE_TTL_MS });
    return record;
  }
}
