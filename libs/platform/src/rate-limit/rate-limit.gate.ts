// Applies the rate limits to an authenticated request: the key's and tenant's own limits, or the
// deployment's defaults. A limiter that does not answer in time lets the request through (and says
// so in the log): rate limits protect the service, they must not take it down with Redis.
import { ApiError } from '../errors/api-error';
import { createLogger } from '../logging/logger';
import type { RequestContext } from '../auth/request-context';
import { rateLimitHeaders, type RateLimiter, type RateLimits, type RateLimitSubject } from './rate-limit';

export interface RateLimitDefaults {
  key: RateLimits;
  tenant: RateLimits;
}

export const NO_RATE_LIMITS: RateLimitDefaults = { key: { rpm: null, tpm: null }, tenant: { rpm: null, tpm: null } };

const pick = (own: number | null | undefined, fallback: number | null): number | null => own ?? fallback;

export class RateLimitGate {
  private readonly log = createLogger('RateLimitGate');
  constructor(
    private readonly limiter: RateLimiter,
    private readonly defaults: RateLimitDefaults,
    private readonly timeoutMs = 500,
  ) {}

  /**
   * Counts the request; answers the headers to send, or throws 429 with them and Retry-After.
   * `spendsTokens`: the route calls models, so the token limits apply too.
   */
  async admit(ctx: RequestContext, spendsTokens: boolean): Promise<Record<string, string>> {
    const subject = this.subjectOf(ctx, spendsTokens);
    return subject ? this.admitSubject(ctx, subject) : {};
  }

  /** The limits that apply to the request, or null when none does (nothing to count, no headers). */
  subjectOf(ctx: RequestContext, spendsTokens: boolean): RateLimitSubject | null {
    const own = ctx.rateLimits;
    const subject = {
      tenantId: ctx.tenantId,
      apiKeyId: ctx.apiKeyId,
      key: { rpm: pick(own?.key.rpm, this.defaults.key.rpm), tpm: spendsTokens ? pick(own?.key.tpm, this.defaults.key.tpm) : null },
      tenant: {
        rpm: pick(own?.tenant.rpm, this.defaults.tenant.rpm),
        tpm: spendsTokens ? pick(own?.tenant.tpm, this.defaults.tenant.tpm) : null,
      },
    };
    return !subject.key.rpm && !subject.key.tpm && !subject.tenant.rpm && !subject.tenant.tpm ? null : subject;
  }

  /** `admit` for the limits `subjectOf` found. */
  async admitSubject(ctx: RequestContext, subject: RateLimitSubject): Promise<Record<string, string>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), this.timeoutMs)));
    const decision = await Promise.race([this.limiter.admit(subject).catch(() => null), timeout]).finally(() => clearTimeout(timer));
    if (!decision) {
      this.log.warn({ tenantId: ctx.tenantId }, 'rate limiter unavailable; the request was let through');
      return {};
    }
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) {
      const over = decision.limits.filter((l) => l.remaining === 0).map((l) => l.name);
      throw new ApiError(
        'rate_limited',
        `Rate limit exceeded (${over.join(', ') || 'limit'}); retry after ${decision.retryAfterSeconds} s`,
        {
          retryAfterSeconds: decision.retryAfterSeconds,
          headers,
        },
      );
    }
    return headers;
  }

  recordTokens(ctx: Pick<RequestContext, 'tenantId' | 'apiKeyId'>, tokens: number): Promise<void> {
    return this.limiter
      .recordTokens(ctx, tokens)
      .catch((err: unknown) => this.log.warn({ err }, 'could not count tokens against rate limits'));
  }
}
