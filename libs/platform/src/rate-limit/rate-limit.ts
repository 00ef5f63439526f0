// Rate limits per API key and per tenant, in requests and model tokens per minute, as sliding-window
// counters: the count of the current minute plus the previous minute's, weighted by how much of it
// still lies in the window. Requests are counted when admitted (atomically for all limits, so a
// refused request consumes nothing); tokens are counted after the call, when they are known, and a
// caller over its token budget is refused new requests until the window has room again.

/** A limit per minute; null or 0: none. */
export interface RateLimits {
  rpm: number | null;
  tpm: number | null;
}

export interface RateLimitSubject {
  tenantId: string;
  apiKeyId: string;
  key: RateLimits;
  tenant: RateLimits;
}

export type LimitName = 'key-rpm' | 'tenant-rpm' | 'key-tpm' | 'tenant-tpm';

export interface LimitState {
  name: LimitName;
  /** the quota per window */
  quota: number;
  /** what is left of it after this request */
  remaining: number;
  /** seconds until the window has room again when nothing is left, else until the current minute ends */
  resetSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** set when refused: when to try again */
  retryAfterSeconds: number;
  /** every limit that applies, for the RateLimit-Policy / RateLimit headers */
  limits: LimitState[];
}

export const RATE_LIMITER = Symbol('RATE_LIMITER');

export interface RateLimiter {
  /** Counts one request against every request limit, if every limit (requests and tokens) has room. */
  admit(subject: RateLimitSubject): Promise<RateLimitDecision>;
  /** Counts model tokens a subject used (after the call). */
  recordTokens(subject: Pick<RateLimitSubject, 'tenantId' | 'apiKeyId'>, tokens: number): Promise<void>;
  close?(): Promise<void>;
}

export const WINDOW_MS = 60_000;

/** One limit to check: its storage key (without the window suffix) and what it may hold. */
export interface LimitSpec {
  name: LimitName;
  key: string;
  quota: number;
  /** 1 for a request limit; 0 for a token limit (checked, counted later) */
  cost: number;
}

export function limitSpecs(subject: RateLimitSubject): LimitSpec[] {
  const specs: LimitSpec[] = [];
  const add = (name: LimitName, key: string, quota: number | null, cost: number) => {
    if (quota && quota > 0) specs.push({ name, key, quota, cost });
  };
  add('key-rpm', `k:${subject.apiKeyId}:r`, subject.key.rpm, 1);
  add('tenant-rpm', `t:${subject.tenantId}:r`, subject.tenant.rpm, 1);
  add('key-tpm', `k:${subject.apiKeyId}:t`, subject.key.tpm, 0);
  add('tenant-tpm', `t:${subject.tenantId}:t`, subject.tenant.tpm, 0);
  return specs;
}

/** The token counters a call adds to: its key's (when a key made it) and its tenant's. */
export function tokenKeys(subject: Pick<RateLimitSubject, 'tenantId' | 'apiKeyId'>): string[] {
  return subject.apiKeyId ? [`k:${subject.apiKeyId}:t`, `t:${subject.tenantId}:t`] : [`t:${subject.tenantId}:t`];
}

/**
 * The sliding-window estimate of what a limit holds at `now`, from the counts of the current and
 * the previous minute. Shared by the in-process limiter and mirrored by the Redis script.
 */
export function windowCount(current: number, previous: number, now: number): number {
  const elapsed = (now % WINDOW_MS) / WINDOW_MS;
  return current + previous * (1 - elapsed);
}

/**
 * Whether a limit has room for `cost` more (a token limit, cost 0, needs room for one more token),
 * and when it will have room if not: the previous minute's weight fades linearly, and the current
 * minute's count moves into "previous" when the minute ends.
 */
export function evaluate(
  spec: LimitSpec,
  current: number,
  previous: number,
  now: number,
): LimitState & { allowed: boolean; retryMs: number } {
  const used = windowCount(current, previous, now);
  const need = Math.max(spec.cost, 1);
  const allowed = used + need <= spec.quota;
  const untilMinuteEnds = WINDOW_MS - (now % WINDOW_MS);
  let retryMs = 0;
  if (!allowed) {
    const room = spec.quota - need;
    if (current <= room && previous > 0) {
      // this minute's count leaves room: wait for the previous minute's weight to fade enough
      const targetElapsed = 1 - (room - current) / previous;
      retryMs = Math.max(1, Math.ceil(targetElapsed * WINDOW_MS - (now % WINDOW_MS)));
    } else {
      // next minute this minute's count becomes the previous one, and fades in turn
      const targetElapsed = current > 0 ? Math.min(1, Math.max(0, 1 - room / current)) : 0;
      retryMs = untilMinuteEnds + Math.ceil(targetElapsed * WINDOW_MS);
    }
  }
  const remaining = Math.max(0, Math.floor(spec.quota - used - (allowed ? spec.cost : 0)));
  return {
    name: spec.name,
    quota: spec.quota,
    remaining,
    resetSeconds: Math.ceil((allowed ? untilMinuteEnds : retryMs) / 1000),
    allowed,
    retryMs,
  };
}

/** `RateLimit-Policy` and `RateLimit` (IETF draft-ietf-httpapi-ratelimit-headers), and Retry-After when refused. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  if (decision.limits.length === 0) return {};
  const tightest = decision.limits.reduce((a, b) => (a.remaining / a.quota <= b.remaining / b.quota ? a : b));
  return {
    'ratelimit-policy': decision.limits.map((l) => `"${l.name}";q=${l.quota};w=${WINDOW_MS / 1000}`).join(', '),
    ratelimit: `"${tightest.name}";r=${tightest.remaining};t=${tightest.resetSeconds}`,
  };
}

export function decide(evaluated: Array<ReturnType<typeof evaluate>>): RateLimitDecision {
  const refused = evaluated.filter((e) => !e.allowed);
  return {
    allowed: refused.length === 0,
    retryAfterSeconds: refused.length ? Math.max(1, Math.ceil(Math.max(...refused.map((e) => e.retryMs)) / 1000)) : 0,
    limits: evaluated.map(({ name, quota, remaining, resetSeconds }) => ({ name, quota, remaining, resetSeconds })),
  };
}
