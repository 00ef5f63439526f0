// How many tokens a deployment's model takes in (prompt + completion), for the context-window
// fallback: the deployment's own `contextWindow` when configured, else the known limit of its
// upstream model, else unknown (never chosen as a larger window).
import type { Deployment } from './deployment';

/** Published limits of the models the env shortcuts and the docs name (November 2026). */
export const KNOWN_CONTEXT_WINDOWS: Readonly<Record<string, number>> = Object.freeze({
  'deepseek-flash': 1_000_000,
  'deepseek-v4-pro': 1_000_000,
  'deepseek-v4-flash': 1_000_000,
  'deepseek-chat': 128_000,
  'deepseek-reasoner': 128_000,
  'gpt-4o': 128_000,
  'gpt-4o-mini': 128_000,
  'gpt-4.1': 1_047_576,
  'gpt-4.1-mini': 1_047_576,
});

export function contextWindowOf(d: Deployment): number | undefined {
  return d.contextWindow ?? KNOWN_CONTEXT_WINDOWS[d.upstreamModel];
}
