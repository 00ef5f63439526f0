import OpenAI from 'openai';
import type { Deployment } from '@shoal/model-routing';

/** A `fetch` that reaches a provider without the network: standalone's built-in mock, served in process. */
export type ProviderFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** One `openai` SDK client per deployment, reused across calls (keep-alive connections). SDK retries are off: failover decides. */
export class ProviderClients {
  private readonly clients = new Map<string, OpenAI>();

  /** `fetchByDeployment`: deployments (by id) whose provider is called through the given fetch instead of HTTP */
  constructor(private readonly fetchByDeployment: ReadonlyMap<string, ProviderFetch> = new Map()) {}

  get(d: Deployment): OpenAI {
    let c = this.clients.get(d.id);
    if (!c) {
      const fetch = this.fetchByDeployment.get(d.id);
      c = new OpenAI({
        apiKey: d.apiKey.reveal(),
        baseURL: d.baseUrl,
        maxRetries: 0,
        timeout: d.timeoutMs ?? 600_000,
        ...(fetch ? { fetch } : {}),
      });
      this.clients.set(d.id, c);
    }
    return c;
  }
}
