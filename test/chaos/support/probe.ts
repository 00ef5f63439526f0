// One request made while a dependency is down: what it answered, and how long it took.
import { CHAOS_KEY, type ChaosShoal } from './chaos-shoal';

export interface Probe {
  what: string;
  status: number | 'hung' | 'broken';
  ms: number;
  retryAfter: string | null;
  contentType: string | null;
  body: unknown;
}

export async function probe(
  s: ChaosShoal,
  what: string,
  path: string,
  init: { method?: string; body?: unknown; auth?: boolean } = {},
  boundMs = 15_000,
): Promise<Probe> {
  const t0 = Date.now();
  try {
    const res = await fetch(`${s.gateway.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.auth === false ? {} : { authorization: `Bearer ${CHAOS_KEY}` }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(boundMs),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return {
      what,
      status: res.status,
      ms: Date.now() - t0,
      retryAfter: res.headers.get('retry-after'),
      contentType: res.headers.get('content-type'),
      body,
    };
  } catch (err) {
    const hung = (err as Error).name === 'TimeoutError';
    return { what, status: hung ? 'hung' : 'broken', ms: Date.now() - t0, retryAfter: null, contentType: null, body: String(err) };
  }
}

export function describeProbes(probes: Probe[]): string {
  return probes.map((p) => `${p.what}: ${p.status} in ${p.ms} ms${p.retryAfter ? ` (Retry-After ${p.retryAfter})` : ''}`).join('; ');
}
