// What one streamed attempt is billed, as its stream goes: the provider's usage chunk, priced when it
// arrives (a run's call learns that cost in the chunk), else Shoal's estimate, flagged; plus what a
// blank JSON-mode answer asked again on the same attempt used (both calls are billed, in one row).
import { normalizeUsage, type Deployment, type NormalizedUsage } from '@shoal/model-routing';
import type { CallCost } from '@shoal/pricing';
import { estimatedUsage } from './usage-estimate';
import type { MeteredAttempt } from './usage.emitter';

export interface BilledUsage {
  usage: NormalizedUsage;
  /** some of it is Shoal's estimate: a provider stream of the attempt sent no usage */
  estimated: boolean;
  /** the cost priced when the provider's usage chunk came (the one a run's call was told) */
  cost?: CallCost;
}

export class StreamedAttemptUsage {
  private attempt: { meter: MeteredAttempt; deployment: Deployment } | undefined;
  private priced: { usage: NormalizedUsage; cost: CallCost } | undefined;
  /** the blank JSON-mode answer this attempt asked again after */
  private earlier: { usage: NormalizedUsage; estimated: boolean } | undefined;

  constructor(private readonly messages: unknown) {}

  /** A new provider attempt (set before its first byte is read: the usage chunk may come in the first read). */
  begin(meter: MeteredAttempt, deployment: Deployment): void {
    this.attempt = { meter, deployment };
    this.priced = undefined;
    this.earlier = undefined;
  }

  /** The provider's usage chunk: priced together with the blank answer asked again, if any. */
  reported(raw: unknown): CallCost | undefined {
    if (!this.attempt) return undefined;
    const usage = addUsage(normalizeUsage(this.attempt.deployment.provider, raw), this.earlier?.usage);
    this.priced = { usage, cost: this.attempt.meter.price(usage) };
    return this.priced.cost;
  }

  /** The current provider stream sent its usage. */
  get providerReported(): boolean {
    return this.priced !== undefined;
  }

  /** What the attempt is billed so far; `contentChunks`, the current stream's, size the estimate when it sent no usage. */
  billed(contentChunks: number): BilledUsage {
    if (this.priced) return { usage: this.priced.usage, estimated: this.earlier?.estimated ?? false, cost: this.priced.cost };
    return { usage: addUsage(estimatedUsage(this.messages, contentChunks), this.earlier?.usage), estimated: true };
  }

  /** The current stream was a blank JSON-mode answer, asked again: it stays billed, the next stream's usage is added. */
  askedAgain(contentChunks: number): BilledUsage {
    const blank = this.billed(contentChunks);
    this.earlier = { usage: blank.usage, estimated: blank.estimated };
    this.priced = undefined;
    return blank;
  }
}

export function addUsage(a: NormalizedUsage, b: NormalizedUsage | undefined): NormalizedUsage {
  if (!b) return a;
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    cachedPromptTokens: a.cachedPromptTokens + b.cachedPromptTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}
