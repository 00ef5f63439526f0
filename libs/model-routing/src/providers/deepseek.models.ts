// DeepSeek's models as its API stands in November 2026, and what Shoal sends for a retired name.
import type { Deployment } from '../deployment';

export interface DeepseekModel {
  readonly name: string;
  readonly contextTokens: number;
  readonly maxOutputTokens: number;
  /** Takes image content parts; a model that does not answers them with a 400. */
  readonly images: boolean;
  /** DeepSeek's own cap on calls in flight per account (answered with 429 above it). */
  readonly accountConcurrency: number;
}

export const DEEPSEEK_MODELS: Readonly<Record<string, DeepseekModel>> = Object.freeze({
  'deepseek-flash': { name: 'deepseek-flash', contextTokens: 1_000_000, maxOutputTokens: 384_000, images: true, accountConcurrency: 2_500 },
  'deepseek-v4-pro': {
    name: 'deepseek-v4-pro',
    contextTokens: 1_000_000,
    maxOutputTokens: 384_000,
    images: false,
    accountConcurrency: 500,
  },
});

export interface RetiredModelName {
  readonly name: string;
  /** The current model Shoal sends instead. */
  readonly servedAs: string;
  /** The thinking mode the old name implied, applied when the caller does not choose one. */
  readonly thinking?: 'enabled' | 'disabled';
  /** What DeepSeek itself does with the old name today. */
  readonly upstream: 'rejected' | 'aliased';
  readonly since: string;
  readonly note: string;
}

/**
 * The table the retired names are mapped by (one row each). Keyed by the name a deployment's
 * `upstreamModel` (or, when it has none, its alias) carries. The admin state view flags a
 * deployment that still names one (see {@link retiredModelOf}).
 */
export const DEEPSEEK_RETIRED_MODELS: Readonly<Record<string, RetiredModelName>> = Object.freeze({
  'deepseek-chat': {
    name: 'deepseek-chat',
    servedAs: 'deepseek-flash',
    thinking: 'disabled',
    upstream: 'rejected',
    since: '2026-07-24',
    note: 'DeepSeek answers HTTP 400 to this name since 2026-07-24; it was the non-thinking mode',
  },
  'deepseek-reasoner': {
    name: 'deepseek-reasoner',
    servedAs: 'deepseek-flash',
    thinking: 'enabled',
    upstream: 'rejected',
    since: '2026-07-24',
    note: 'DeepSeek answers HTTP 400 to this name since 2026-07-24; it was the thinking mode',
  },
  'deepseek-v4-flash': {
    name: 'deepseek-v4-flash',
    servedAs: 'deepseek-flash',
    upstream: 'aliased',
    since: '2026-07-24',
    note: 'DeepSeek still serves this name as deepseek-flash',
  },
});

/** The retired name a DeepSeek deployment still uses, if any: what the admin state view flags. */
export function retiredModelOf(d: Pick<Deployment, 'provider' | 'upstreamModel'>): RetiredModelName | undefined {
  if (d.provider !== 'deepseek') return undefined;
  return Object.hasOwn(DEEPSEEK_RETIRED_MODELS, d.upstreamModel) ? DEEPSEEK_RETIRED_MODELS[d.upstreamModel] : undefined;
}

/** The model name the provider is sent (a retired DeepSeek name becomes its current one); priced by it too. */
export function upstreamModelOf(d: Pick<Deployment, 'provider' | 'upstreamModel'>): string {
  return retiredModelOf(d)?.servedAs ?? d.upstreamModel;
}

/** What Shoal knows of a DeepSeek model (after mapping a retired name), or undefined for any other. */
export function deepseekModelOf(d: Pick<Deployment, 'provider' | 'upstreamModel'>): DeepseekModel | undefined {
  if (d.provider !== 'deepseek') return undefined;
  const name = upstreamModelOf(d);
  return Object.hasOwn(DEEPSEEK_MODELS, name) ? DEEPSEEK_MODELS[name] : undefined;
}
