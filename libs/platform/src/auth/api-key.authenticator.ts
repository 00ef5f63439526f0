import { type BeforeApplicationShutdown, Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { LruCache } from '../cache/lru-cache';
import { ApiError } from '../errors/api-error';
import { bearerToken, hashApiKey } from './api-key';
import { ApiKeysRepository, type ApiKeyRecord } from './api-keys.repository';
import { AuthFailureLimiter, type AuthFailureLimits } from './auth-failure.limiter';
import type { KeyInvalidationBus } from './key-invalidation.bus';
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
 * Turns `Authorization: Bearer <key>` into the caller's RequestContext, from an in-process cache.
 * Valid keys are cached for 30 s per process, unknown keys for 5 s, each cache bounded with LRU
 * eviction. A key that is revoked or created is dropped from both caches on every replica at once
 * (the invalidation bus: Redis pub/sub), so the TTL only bounds a change made behind Shoal's back
 * (a row edited by hand). A client IP with too many failed attempts in its window is answered 429
 * without a lookup; keys already cached still work for it.
 */
@Injectable()
export class ApiKeyAuthenticator implements OnModuleInit, BeforeApplicationShutdown {
  private known = newKnownCache();
  private unknown = newUnknownCache();
  private readonly inFlight = new Map<string, Promise<ApiKeyRecord | null>>();
  // counts invalidations: a lookup that overlapped one does not cache its result
  private generation = 0;
  private readonly failures: AuthFailureLimiter;
  private readonly lastUsed: LastUsedTracker;

  constructor(
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Optional() @Inject(AUTH_LIMITS) limits?: AuthFailureLimits,
    private readonly invalidations?: KeyInvalidationBus,
  ) {
    this.failures = new AuthFailureLimiter(limits ?? DEFAULT_AUTH_LIMITS);
    this.lastUsed = new LastUsedTracker(keys);
  }

  async onModuleInit(): Promise<void> {
    await this.invalidations?.subscribe(
      (hash) => this.forget(hash),
      () => this.forgetAll(),
    );
  }

  // before the platform closes the database (on application shutdown)
  beforeApplicationShutdown(): Promise<void> {
    return this.flushLastUsed();
  }

  /** Writes the pending last-used times (on shutdown). */
  flushLastUsed(): Promise<void> {
    return this.lastUsed.flush();
  }

  /** Drops `hash` from both caches: the next request with it reads the database. */
  forget(hash: string): void {
    this.generation++;
    this.known.delete(hash);
    this.unknown.delete(hash);
    this.inFlight.delete(hash);
  }

  private forgetAll(): void {
    this.generation++;
    this.known = newKnownCache();
    this.unknown = newUnknownCache();
    this.inFlight.clear();
  }

  async authenticate(headers: Record<string, string | string[] | undefined>, clientIp: string): Promise<RequestContext> {
    return this.authenticateCached(headers, clientIp) ?? this.authenticateLookedUp(headers, clientIp);
  }

  /**
   * The caller's context when its key is in the cache (every request but a key's first in 30 s),
   * without waiting on anything; undefined when the key must be looked up (`authenticate` does).
   * Throws as `authenticate` does for a missing, revoked or expired key.
   */
  authenticateCached(headers: Record<string, string | string[] | undefined>, clientIp: string): RequestContext | undefined {
    const record = this.known.get(hashApiKey(this.tokenOf(headers)));
    return record ? this.contextOf(record, headers, clientIp) : undefined;
  }

  private async authenticateLookedUp(headers: Record<string, string | string[] | undefined>, clientIp: string): Promise<RequestContext> {
    const hash = hashApiKey(this.tokenOf(headers));
    let record = this.known.get(hash);
    if (!record) {
      const retryAfterSeconds = this.failures.retryAfterSeconds(clientIp);
      if (retryAfterSeconds > 0)
        throw new ApiError('rate_limited', 'Too many failed authentications from this address; retry later', { retryAfterSeconds });
      record = (await this.lookup(hash)) ?? undefined;
    }
    return this.contextOf(record, headers, clientIp);
  }

  private tokenOf(headers: Record<string, string | string[] | undefined>): string {
    const token = bearerToken(headers['authorization']);
    if (!token) throw new ApiError('unauthorized', 'Missing API key: send it as "Authorization: Bearer <key>"');
    return token;
  }

  private contextOf(
    record: ApiKeyRecord | undefined,
    headers: Record<string, string | string[] | undefined>,
    clientIp: string,
  ): RequestContext {
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

  private async lookup(hash: string): Promise<ApiKeyRecord | null> {
    if (this.unknown.has(hash)) return null;
    // concurrent requests with the same key share one query
    const generation = this.generation;
    let pending = this.inFlight.get(hash);
    if (!pending) {
      // an invalidation may have replaced this query by a newer one meanwhile: only remove its own entry
      const query: Promise<ApiKeyRecord | null> = this.keys.findByHash(hash).finally(() => {
        if (this.inFlight.get(hash) === query) this.inFlight.delete(hash);
      });
      pending = query;
      this.inFlight.set(hash, query);
    }
    const record = await pending;
    // an invalidation arrived while the query ran: what it read may predate the change, so do not keep it
    if (generation === this.generation) {
      if (record) this.known.set(hash, record);
      else this.unknown.set(hash, true);
    }
    return record;
  }
}

function newKnownCache() {
  return new LruCache<string, ApiKeyRecord>({ maxEntries: CACHE_ENTRIES, ttlMs: CACHE_TTL_MS });
}
function newUnknownCache() {
  return new LruCache<string, true>({ maxEntries: NEGATIVE_ENTRIES, ttlMs: NEGATIVE_TTL_MS });
}
