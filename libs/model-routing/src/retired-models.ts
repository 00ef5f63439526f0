// How the admin view flags a deployment whose upstream model name a provider has retired or renamed.
// The names themselves, and what Shoal sends instead, have one owner: DeepSeek's table
// (providers/deepseek.models.ts), which the request adapter maps by.
import type { ProviderKind } from './deployment';
import { retiredModelOf } from './providers/deepseek.models';

export interface UpstreamModelNotice {
  /** `retired`: the provider refuses it; `renamed`: still answered, as another model. */
  readonly status: 'retired' | 'renamed';
  /** The name Shoal sends in its place, and the one to configure instead. */
  readonly replacement: string;
  readonly note: string;
}

/** What is known about `upstreamModel` at `provider`; undefined for a current name (or an unknown provider). */
export function upstreamModelNotice(provider: ProviderKind | string, upstreamModel: string): UpstreamModelNotice | undefined {
  const retired = retiredModelOf({ provider: provider as ProviderKind, upstreamModel });
  if (!retired) return undefined;
  const thinking = retired.thinking ? ` with thinking ${retired.thinking}` : '';
  return retired.upstream === 'rejected'
    ? {
        status: 'retired',
        replacement: retired.servedAs,
        note: `${retired.note}; Shoal sends ${retired.servedAs}${thinking} in its place`,
      }
    : { status: 'renamed', replacement: retired.servedAs, note: retired.note };
}
