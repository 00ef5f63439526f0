import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { LruCache } from '../cache/lru-cache';
import { ApiError } from '../errors/api-error';
import { bearerToken, hashApiKey } from './api-key';
import { ApiKeysRepository, type ApiKeyRecord } from './api-keys.repository';
import { AuthFailureLimiter, type AuthFailureLimits } from './auth-failure.limiter';
import { LastUsedTracker } from './last-used.tracker';
import type { RequestContext } from './request-context';

const CACHE_TTL_MS = 30_000;
const CACHE_ENTRIES = 10_000;
// unknown keys are remembered briefly, in a cache of their own: a flood of them never evicts a valid key
const NEGATIVE_TTL_MS = 5_000;
const NEGATIVE_ENTRIES = 10_000;

export const AUTH_LIMITS = Symbol('AUTH_LIMITS');
export const DEFAULT_AUTH_LIMITS: AuthFailureLimits = { failuresPerIp: 20, windowMs: 60_000 };

/**
 * Turns `Authorization: Bearer <key>` into the caller's RequestContext. Valid keys are cached for
 * 30 s per process (so a revoked key stops working within 30 s everywhere), unknown keys for 5 s,
 * each cache bounded with LRU eviction. A client IP with too many failed attempts in its window is
 * answered 429 without a lookup; keys already cached still work for it.
 */
@Injectable()
export class ApiKeyAuthenticator implements OnApplicationShutdown {
  private readonly known = new LruCache<string, ApiKeyRecord>({ maxEntries: CACHE_ENTRIES, ttlMs: CACHE_TTL_MS });
  private readonly unknown = new LruCache<string, true>({ maxEntries: NEGATIVE_ENTRIES, ttlMs: NEGATIVE_TTL_MS });
  private readonly inFlight = new Map<string, Promise<ApiKeyRecord | null>>();
  private readonly failures: AuthFailureLimiter;
  private readonly lastUsed: LastUsedTracker;

  constructor(
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Optional() @Inject(AUTH_LIMITS) limits?: AuthFailureLimits,
  ) {
    this.failures = new AuthFailureLimiter(limits ?? DEFAULT_AUTH_LIMITS);
    this.lastUsed = new LastUsedTracker(keys);
  }

  async authenticate(headers: Record<string, string | string[] | undefined>, clientIp: string): Promise<RequestContext> {
    const token = bearerToken(headers['authorization']);
    if (!token) throw new ApiError('unauthorized', 'Missing API key: send it as "Authorization: Bearer <key>"');
    const hash = hashApiKey(token);
    let record = this.known.get(hash);
    if (!record) {
      const retryAfterSeconds = this.failures.retryAfterSeconds(clientIp);
      if (retryAfterSeconds > 0)
        throw new ApiError('rate_limited', 'Too many failed authentications from this address; retry later', { retryAfterSeconds });
      record = (await this.lookup(hash)) ?? undefined;
    }
    if (!record || record.revokedAt || (record.expiresAt && record.expiresAt <= new Date())) {
      this.failures.recordFailure(clientIp);
      throw new ApiError('unauthorized', 'Invalid API key');
    }
    this.lastUsed.used(record.id);
    const traceparent = headers['traceparent'];
    return {
      tenantId: record.tenantId,
      apiKeyId: record.id,
      scopes: record.scopes,
      workflowId: record.workflowId,
      rateLimits: record.rateLimits,
      traceparent: typeof traceparent === 'string' ? traceparent : undefined,
    };
  }

  /** Writes the pending last-used times (on shutdown). */
  flushLastUsed(): Promise<void> {
    return this.lastUsed.flush();
  }

  onApplicationShutdown(): Promise<void> {
    return this.flushLastUsed();
  }

  /** Drops a key from this process's caches (it was revoked or rotated here); the next request looks it up. */
  forget(hash: string): void {
    this.known.delete(hash);
    this.unknown.delete(hash);
  }

  private async lookup(hash: string): Promise<ApiKeyRecord | null> {
    if (this.unknown.has(hash)) return null;
    // concurrent requests with the same key share one query
    let pending = this.inFlight.get(hash);
    if (!pending) {
      pending = this.keys.findByHash(hash).finally(() => this.inFlight.delete(hash));
      this.inFlight.set(hash, pending);
    }
    const record = await pending;
    if (record) this.known.set(hash, record);
    else this.unknown.set(hash, true);
    return record;
  }
}
