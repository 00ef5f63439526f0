// Upstream model names a provider has retired or renamed, so the admin view can flag a deployment
// that still sends one. DeepSeek, as its API stands in November 2026.
import type { ProviderKind } from './deployment';

export interface UpstreamModelNotice {
  /** `retired`: the provider refuses it; `renamed`: still answered, as another model. */
  readonly status: 'retired' | 'renamed';
  /** The name to use instead. */
  readonly replacement: string;
  readonly note: string;
}

const DEEPSEEK: Readonly<Record<string, UpstreamModelNotice>> = {
  'deepseek-chat': {
    status: 'retired',
    replacement: 'deepseek-flash',
    note: 'retired by DeepSeek: answered with HTTP 400 since 2026-07-24; use deepseek-flash',
  },
  'deepseek-reasoner': {
    status: 'retired',
    replacement: 'deepseek-v4-pro',
    note: 'retired by DeepSeek: answered with HTTP 400 since 2026-07-24; use deepseek-v4-pro (thinking on by default)',
  },
  'deepseek-v4-flash': { status: 'renamed', replacement: 'deepseek-flash', note: 'served by DeepSeek as deepseek-flash' },
};

/** What is known about `upstreamModel` at `provider`; undefined for a current name (or an unknown provider). */
export function upstreamModelNotice(provider: ProviderKind | string, upstreamModel: string): UpstreamModelNotice | undefined {
  return provider === 'deepseek' ? DEEPSEEK[upstreamModel] : undefined;
}
