// Test-only helpers shared by this lib's specs: deployments, a manual clock, a scripted random.
import type { Deployment, ProviderKind } from '../deployment';
import { Secret } from '../secrets';

export function dep(id: string, model: string, weight = 1, provider: ProviderKind = 'openai-compatible'): Deployment {
  return {
    id,
    model,
    provider,
    baseUrl: 'http://provider.test/v1',
    apiKey: new Secret(`sk-test-${id}-0123456789`),
    upstreamModel: model,
    weight,
    source: 'file',
  };
}

export class ManualClock {
  constructor(public nowMs = 1_700_000_000_000) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}
