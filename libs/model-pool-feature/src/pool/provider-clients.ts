import OpenAI from 'openai';
import type { Deployment } from '@shoal/model-routing';

/** One `openai` SDK client per deployment, reused across calls (keep-alive connections). SDK retries are off: failover decides. */
export class ProviderClients {
  private readonly clients = new Map<string, OpenAI>();

  get(d: Deployment): OpenAI {
    let c = this.clients.get(d.id);
    if (!c) {
      c = new OpenAI({ apiKey: d.apiKey.reveal(), baseURL: d.baseUrl, maxRetries: 0, timeout: d.timeoutMs ?? 600_000 });
      this.clients.set(d.id, c);
    }
    return c;
  }
}
