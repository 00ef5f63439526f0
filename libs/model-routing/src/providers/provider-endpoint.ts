// Where a deployment's requests go: its base URL, as operators write it, turned into an endpoint.
import type { Deployment } from '../deployment';

/** DeepSeek's beta endpoint, which alone accepts `strict: true` tool schemas. */
export const DEEPSEEK_STRICT_TOOLS_BASE_URL = 'https://api.deepseek.com/beta';

export type ProviderPath = 'chat/completions' | 'embeddings';

const PASTED_ENDPOINT = /\/(chat\/completions|completions|embeddings)$/;

/**
 * The endpoint URL of `path` on a base URL given with or without `/v1`: a bare origin
 * (`http://localhost:11434`, `https://api.openai.com`) gets `/v1`, which every OpenAI-compatible
 * server serves (DeepSeek serves both, so its bare origin is kept); a base URL with a path
 * (`…/compatible-mode/v1`, Zhipu's `…/api/paas/v4`, DeepSeek's `/beta`) is used as it is. A full
 * endpoint pasted as the base URL (`…/v1/chat/completions`) is cut back to its base.
 */
export function endpointUrl(baseUrl: string, provider: Deployment['provider'], path: ProviderPath): string {
  // asked for on every call, for the few base URLs a pool has: parsed once each
  const key = `${provider} ${path} ${baseUrl}`;
  let url = endpoints.get(key);
  if (url === undefined) {
    if (endpoints.size >= MAX_CACHED_ENDPOINTS) endpoints.clear();
    endpoints.set(key, (url = buildEndpointUrl(baseUrl, provider, path)));
  }
  return url;
}

const MAX_CACHED_ENDPOINTS = 1024;
const endpoints = new Map<string, string>();

function buildEndpointUrl(baseUrl: string, provider: Deployment['provider'], path: ProviderPath): string {
  const url = new URL(baseUrl);
  let pathname = url.pathname.replace(/\/+$/, '').replace(PASTED_ENDPOINT, '');
  if (pathname === '' && provider !== 'deepseek') pathname = '/v1';
  url.pathname = `${pathname}/${path}`;
  return url.toString();
}

/** The base URL for a request with strict tool schemas: the deployment's own, else DeepSeek's beta for DeepSeek. */
export function strictToolsBaseUrlOf(d: Pick<Deployment, 'provider' | 'strictToolsBaseUrl'>): string | undefined {
  return d.strictToolsBaseUrl ?? (d.provider === 'deepseek' ? DEEPSEEK_STRICT_TOOLS_BASE_URL : undefined);
}
