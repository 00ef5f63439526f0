// Metering of every provider attempt: an intent goes to the usage log before the provider is
// contacted, the usage entry (priced here) when the attempt ends. Both are single round trips to
// Redis, never an in-memory buffer: a process that dies mid-call leaves its intent open, and
// billing's reaper bills it as estimated usage.
import { Inject, Injectable, Optional } from '@nestjs/common';
import { INTERNAL_HEADERS, usageKey, type UsageEvent, type UsageIntent } from '@shoal/contracts';
import { upstreamModelOf, type Deployment, type NormalizedUsage } from '@shoal/model-routing';
import type { CallCost } from '@shoal/pricing';
import {
  ApiError,
  OUTAGE_RETRY_AFTER_SECONDS,
  RATE_LIMITER,
  USAGE_LOG,
  createLogger,
  type RateLimiter,
  type UsageLog,
} from '@shoal/platform';
import { PriceCatalogCache } from './price-catalog.cache';
import type { ChatCallContext as PoolCallContext } from '@shoal/contracts';

export const USAGE_HEARTBEAT_MS = Symbol('USAGE_HEARTBEAT_MS');
/** How often a call in progress tells the log it is alive (well under billing's reaping bound). */
export const DEFAULT_USAGE_HEARTBEAT_MS = 30_000;
/**
 * Heartbeats stop after this long even if the attempt was never closed (a bug, or a call that
 * never ends), so its intent goes stale and is reaped rather than kept open forever.
 */
export const MAX_HEARTBEAT_LIFETIME_MS = 60 * 60_000;

/** Who and what an attempt is for: what its intent and its usage entry share. */
type AttemptFields = Omit<UsageIntent, 'promptTokenEstimate'>;

export interface AttemptToMeter {
  /** the public model name the caller asked for */
  model: string;
  deployment: Deployment;
  /** model-pool's attempt number within the call, from 1 */
  attempt: number;
  stream: boolean;
  promptTokenEstimate: number;
}

@Injectable()
export class UsageEmitter {
  private readonly log = createLogger('UsageEmitter');
  private readonly heartbeats: Heartbeats;
  constructor(
    @Inject(USAGE_LOG) private readonly usageLog: UsageLog,
    @Inject(PriceCatalogCache) private readonly prices: PriceCatalogCache,
    @Inject(USAGE_HEARTBEAT_MS) heartbeatMs: number,
    // tokens count against the caller's tokens-per-minute limits once the attempt's usage is known
    @Optional() @Inject(RATE_LIMITER) private readonly rateLimiter?: RateLimiter,
  ) {
    this.heartbeats = new Heartbeats(heartbeatMs);
  }

  /** Opens the attempt's intent; call before the provider is contacted. */
  async begin(ctx: PoolCallContext, a: AttemptToMeter): Promise<MeteredAttempt> {
    const d = a.deployment;
    const now = Date.now();
    const who: AttemptFields = {
      callId: ctx.callId,
      attempt: a.attempt,
      tenantId: ctx.tenantId,
      apiKeyId: ctx.apiKeyId,
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      deploymentId: d.id,
      provider: d.provider,
      model: a.model,
      // a retired DeepSeek name is sent, and priced, as the model that serves it now
      upstreamModel: upstreamModelOf(d),
      priceOverride: d.priceOverride ? { ...d.priceOverride } : null,
      stream: a.stream,
      startedAt: new Date(now).toISOString(),
      ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
    };
    // the intent and its usage entry begin with the same fields, serialised once: each is this
    // object's JSON with its own fields appended (the same text JSON.stringify of the whole gives)
    const head = JSON.stringify(who).slice(0, -1);
    const key = usageKey(ctx.callId, a.attempt);
    try {
      await this.usageLog.begin(key, `${head},"promptTokenEstimate":${JSON.stringify(a.promptTokenEstimate)}}`, now);
    } catch (err) {
      // a call whose intent is not recorded could be paid and never billed (its entry cannot be
      // written either while Redis is down): the provider is not contacted, the caller gets a 503
      this.log.warn({ err, callId: ctx.callId, attempt: a.attempt }, 'could not record the usage intent: refusing the call');
      throw new MeteringUnavailableError();
    }
    return new MeteredAttempt(who, head, key, now, this.usageLog, this.prices, this.heartbeats, this.log, this.rateLimiter);
  }
}

/** The usage log (Redis) did not take the attempt's intent: the call is refused before the provider sees it. */
export class MeteringUnavailableError extends ApiError {
  constructor() {
    super('upstream_unavailable', 'Usage metering is unavailable, so the call was not made; retry shortly', {
      retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS,
      // the engine waits this out as an outage of Shoal's own, not as a provider's failure
      headers: { [INTERNAL_HEADERS.callNotMade]: 'metering' },
    });
  }
}

// how long a usage entry is retried while Redis is unreachable, and the longest wait between tries
// (short, so that the entry lands right after Redis is back, ahead of the reaper's estimate)
const ENTRY_RETRY_MS = 300_000;
const ENTRY_RETRY_MAX_WAIT_MS = 500;

/**
 * The heartbeats of every attempt in progress, from one timer (not one per attempt): each open
 * attempt tells the log it is alive at most `heartbeatMs` after its start or its last heartbeat.
 */
class Heartbeats {
  private readonly open = new Set<MeteredAttempt>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly heartbeatMs: number) {}

  add(attempt: MeteredAttempt): void {
    this.open.add(attempt);
    if (this.timer) return;
    // every half period, each attempt whose last heartbeat is half a period old or more: never more than a period apart
    this.timer = setInterval(() => this.sweep(), Math.max(1, Math.floor(this.heartbeatMs / 2)));
    this.timer.unref();
  }

  delete(attempt: MeteredAttempt): void {
    this.open.delete(attempt);
    if (this.open.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const attempt of this.open) {
      // the heartbeat of an attempt never closed stops, so that its intent goes stale and is reaped
      if (now - attempt.startedAtMs > MAX_HEARTBEAT_LIFETIME_MS) this.delete(attempt);
      else if (now - attempt.lastBeatMs >= this.heartbeatMs / 2) attempt.beat(now);
    }
  }
}

/** One provider attempt being metered: price it, complete it, or discard it. */
export class MeteredAttempt {
  private completionSoFar = 0;
  /** when the log last heard of it (its intent, or a heartbeat) */
  lastBeatMs: number;
  private closed = false;

  constructor(
    readonly intent: AttemptFields,
    /** `intent` as JSON without its closing brace: the start of the usage entry */
    private readonly head: string,
    private readonly key: string,
    readonly startedAtMs: number,
    private readonly usageLog: UsageLog,
    private readonly prices: PriceCatalogCache,
    private readonly heartbeats: Heartbeats,
    private readonly log: ReturnType<typeof createLogger>,
    private readonly rateLimiter?: RateLimiter,
  ) {
    this.lastBeatMs = startedAtMs;
    heartbeats.add(this);
  }

  /** Tells the log the attempt is still in progress, and how far it got. */
  beat(now: number): void {
    this.lastBeatMs = now;
    this.usageLog
      .progress(this.key, this.completionSoFar, now)
      .catch((err: unknown) => this.log.warn({ err, callId: this.intent.callId }, 'usage heartbeat failed'));
  }

  /** Completion tokens produced so far (a stream's chunks), for the reaper's estimate if this process dies. */
  progress(completionTokens: number): void {
    this.completionSoFar = completionTokens;
  }

  /** What `usage` costs at the price in force when the attempt started. */
  price(usage: NormalizedUsage): CallCost {
    return this.prices.cost({
      model: this.intent.model,
      upstreamModel: this.intent.upstreamModel,
      startedAt: new Date(this.startedAtMs),
      usage,
      priceOverride: this.intent.priceOverride,
    });
  }

  /** The attempt produced tokens: close the intent with its usage entry, priced here. */
  /** `estimated`: the provider never reported usage, these counts are Shoal's estimate (the ledger flags them). */
  async complete(
    usage: NormalizedUsage,
    status: UsageEvent['status'],
    cost: CallCost = this.price(usage),
    { estimated = false }: { estimated?: boolean } = {},
  ): Promise<CallCost> {
    const rest: Omit<UsageEvent, keyof AttemptFields> = {
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      cachedPromptTokens: usage.cachedPromptTokens,
      reasoningTokens: usage.reasoningTokens,
      cost: { input: cost.input, output: cost.output, total: cost.total, currency: cost.currency },
      status,
      estimated,
      latencyMs: Math.max(0, Date.now() - this.startedAtMs),
    };
    await this.close(`${this.head},${JSON.stringify(rest).slice(1)}`);
    this.rateLimiter
      ?.recordTokens({ tenantId: this.intent.tenantId, apiKeyId: this.intent.apiKeyId ?? '' }, usage.totalTokens)
      .catch((err: unknown) => this.log.warn({ err, callId: this.intent.callId }, 'could not count tokens against rate limits'));
    return cost;
  }

  /** The provider answered with an error before producing anything: it bills nothing, so no ledger row. */
  async discard(): Promise<void> {
    await this.close(null);
  }

  private async close(entry: string | null): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.heartbeats.delete(this);
    try {
      await this.usageLog.complete(this.key, entry);
    } catch (err) {
      // Redis unreachable: the answer is not held back for it; the exact entry is written once Redis
      // is back (in the background, for a bounded time), before the reaper would bill an estimate
      this.log.warn({ err, usageKey: this.key }, 'usage entry not written yet: retrying in the background');
      void this.closeLater(entry);
    }
  }

  private async closeLater(entry: string | null): Promise<void> {
    const deadline = Date.now() + ENTRY_RETRY_MS;
    for (let wait = 100; ; wait = Math.min(wait * 2, ENTRY_RETRY_MAX_WAIT_MS)) {
      await new Promise((r) => setTimeout(r, wait).unref());
      try {
        await this.usageLog.complete(this.key, entry);
        return;
      } catch (err) {
        if (Date.now() + wait > deadline) {
          // the full entry is in the log line so that it can be replayed by hand; the intent
          // left open is reaped as an estimate, which the ledger keeps if this is never replayed
          this.log.error({ err, usageEntry: entry, usageKey: this.key }, 'usage entry could not be written');
          return;
        }
      }
    }
  }
}
