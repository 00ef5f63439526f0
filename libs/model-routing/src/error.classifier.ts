// Turns whatever a provider call threw (an openai SDK error, a fetch failure, a plain object the
// app built) into a ProviderFailure: the failure's kind, whether to fail over, how long to rest.
import { DEFAULT_COOLDOWN_POLICY, type CooldownPolicy } from './cooldown.policy';
import type { FailureKind, ProviderFailure } from './provider-failure';
import { deepseekErrorMeaning } from './providers/deepseek.errors';
import { redactKeyPatterns } from './secrets';

/** The fields read from a thrown error; the openai SDK's APIError has all of them. */
export interface ProviderErrorLike {
  status?: number;
  code?: string | null;
  type?: string;
  /** A plain record (any case) or a fetch `Headers`. */
  headers?: Record<string, string | undefined> | { get(name: string): string | null };
  cause?: unknown;
  name?: string;
  message?: string;
  /** The provider's JSON error body, as the openai SDK keeps it. */
  error?: unknown;
  /** The deployment's provider kind, when the app's client knows it: DeepSeek's codes are read by DeepSeek's table. */
  provider?: string;
}

export interface ClassifyOptions {
  /** Epoch ms; needed to turn an HTTP-date Retry-After into a duration. */
  readonly now?: () => number;
  readonly policy?: Partial<CooldownPolicy>;
  /** The deployment's provider kind, when the error does not carry it. */
  readonly provider?: string;
}

type Fields = {
  status?: number;
  codes: string[];
  types: string[];
  names: string[];
  message: string;
  headers: unknown;
  param?: string;
  provider?: string;
};

// The SDK's message repeats the body's ("400 Invalid 'n'" and "Invalid 'n'"): keep each once, the
// most specific (shortest) wording of it.
function joinMessages(messages: string[]): string {
  const kept = messages.filter((m, i) => messages.indexOf(m) === i && !messages.some((o) => o !== m && m.includes(o)));
  return kept.join(' | ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// Reads the error, its `error` body and its `cause` chain (fetch wraps the socket error, the SDK
// wraps fetch), so a connection refused three levels down is still seen.
function readFields(error: unknown): Fields {
  const fields: Fields = { codes: [], types: [], names: [], message: '', headers: undefined };
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && isRecord(current); depth++) {
    const e = current;
    if (fields.status === undefined && typeof e.status === 'number') fields.status = e.status;
    if (fields.headers === undefined && isRecord(e.headers)) fields.headers = e.headers;
    fields.provider ??= str(e.provider);
    for (const source of [e, isRecord(e.error) ? e.error : undefined]) {
      if (!source) continue;
      const code = str(source.code) ?? (typeof source.code === 'number' ? String(source.code) : undefined);
      if (code) fields.codes.push(code);
      const type = str(source.type);
      if (type) fields.types.push(type);
      const message = str(source.message);
      if (message) messages.push(message);
      fields.param ??= str(source.param);
    }
    const name = str(e.name);
    if (name) fields.names.push(name);
    // The openai SDK leaves `name` as "Error"; its class name is what tells a timeout apart.
    const ctor = typeof e.constructor === 'function' ? str(e.constructor.name) : undefined;
    if (ctor) fields.names.push(ctor);
    current = e.cause;
  }
  fields.message = joinMessages(messages);
  return fields;
}

function header(headers: unknown, name: string): string | undefined {
  if (!isRecord(headers)) return undefined;
  if (typeof headers.get === 'function') {
    const value: unknown = (headers.get as (n: string) => unknown).call(headers, name);
    return str(value);
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (Array.isArray(value)) return str(value[0]);
    return str(value);
  }
  return undefined;
}

/**
 * A Retry-After value in ms: delta-seconds ("2", "1.5") or an HTTP-date. `retry-after-ms`, which
 * OpenAI sends, is preferred when present. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: unknown, now: number): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));
  const value = header(headers, 'retry-after');
  if (value === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

const TIMEOUT_NAMES = ['APIConnectionTimeoutError', 'TimeoutError', 'AbortError', 'APIUserAbortError'];
const TIMEOUT_CODES = ['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'];
const CONNECTION_NAMES = ['APIConnectionError', 'FetchError'];
const CONNECTION_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EPROTO',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_ABORTED',
];

const CONTEXT_LENGTH = /context[_ ]length|maximum context|context window|too many tokens|reduce the length of the messages/i;
const CONTENT_FILTER = /content[_ ]filter|content[_ ]policy|content management policy|content exists risk/i;
const QUOTA = /insufficient[_ ]quota|insufficient[_ ]balance|exceeded your current quota/i;

function kindOf(f: Fields): FailureKind {
  const has = (list: readonly string[], values: readonly string[]): boolean => values.some((v) => list.includes(v));
  const tags = [...f.codes, ...f.types].join(' ');
  const status = f.status;

  if (status === undefined) {
    if (has(TIMEOUT_NAMES, f.names) || has(TIMEOUT_CODES, f.codes)) return 'timeout';
    if (has(CONNECTION_NAMES, f.names) || has(CONNECTION_CODES, f.codes) || /fetch failed|socket hang up/i.test(f.message)) {
      return 'connection';
    }
    return 'unknown';
  }
  if (status === 400 || status === 413 || status === 422) {
    // DeepSeek reports an over-long prompt as a plain 400 whose message is the only clue.
    if (CONTEXT_LENGTH.test(tags) || CONTEXT_LENGTH.test(f.message)) return 'context_length';
    if (CONTENT_FILTER.test(tags) || CONTENT_FILTER.test(f.message)) return 'content_filter';
    return 'bad_request';
  }
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'insufficient_balance';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  // OpenAI's `insufficient_quota` arrives as a 429 but is a billing problem: waiting won't help.
  if (status === 429) return QUOTA.test(tags) || QUOTA.test(f.message) ? 'insufficient_balance' : 'rate_limited';
  if (status === 503 || status === 529) return 'overloaded';
  if (status === 504) return 'timeout';
  if (status >= 500) return 'server_error';
  if (status === 409) return 'unknown';
  return 'bad_request';
}

interface KindRule {
  failover: boolean;
  cooldownMs: (p: CooldownPolicy, retryAfterMs: number | undefined) => number;
  clientStatus: (upstream: number | undefined) => number;
}

const clampRetryAfter = (p: CooldownPolicy, retryAfterMs: number | undefined, fallback: number): number =>
  retryAfterMs === undefined ? fallback : Math.min(p.rateLimitMaxMs, Math.max(p.rateLimitMinMs, retryAfterMs));

// One row per kind; the README's table is this table.
const RULES: Record<FailureKind, KindRule> = {
  rate_limited: { failover: true, cooldownMs: (p, ra) => clampRetryAfter(p, ra, p.rateLimitDefaultMs), clientStatus: () => 429 },
  overloaded: { failover: true, cooldownMs: (p, ra) => clampRetryAfter(p, ra, p.transientCooldownMs), clientStatus: () => 503 },
  server_error: { failover: true, cooldownMs: (p, ra) => clampRetryAfter(p, ra, p.transientCooldownMs), clientStatus: () => 502 },
  timeout: { failover: true, cooldownMs: (p) => p.transientCooldownMs, clientStatus: () => 504 },
  connection: { failover: true, cooldownMs: (p) => p.transientCooldownMs, clientStatus: () => 502 },
  // Our deployment's key, balance or model name is wrong: the caller can't fix it, so it is a 502,
  // never a 401/402 that an OpenAI client would read as "your key is bad".
  auth: { failover: true, cooldownMs: (p) => p.authCooldownMs, clientStatus: () => 502 },
  insufficient_balance: { failover: true, cooldownMs: (p) => p.balanceCooldownMs, clientStatus: () => 502 },
  not_found: { failover: true, cooldownMs: (p) => p.notFoundCooldownMs, clientStatus: () => 502 },
  // The request is at fault: every deployment of the model would refuse it the same way.
  bad_request: { failover: false, cooldownMs: () => 0, clientStatus: (s) => (s !== undefined && s >= 400 && s < 500 ? s : 400) },
  context_length: { failover: false, cooldownMs: () => 0, clientStatus: () => 400 },
  content_filter: { failover: false, cooldownMs: () => 0, clientStatus: () => 400 },
  unknown: { failover: true, cooldownMs: (p) => p.transientCooldownMs, clientStatus: (s) => (s === undefined ? 500 : 502) },
};

/** What to answer the caller when every attempt ended in `kind`. */
export function clientStatusFor(kind: FailureKind, upstreamStatus?: number): number {
  return RULES[kind].clientStatus(upstreamStatus);
}

const MAX_MESSAGE = 500;

/** Accepts anything thrown; reads the {@link ProviderErrorLike} fields it finds. Never throws. */
export function classifyProviderError(error: unknown, options: ClassifyOptions = {}): ProviderFailure {
  const policy = { ...DEFAULT_COOLDOWN_POLICY, ...options.policy };
  const fields = readFields(error);
  const provider = fields.provider ?? options.provider;
  const deepseek = provider === 'deepseek' ? deepseekErrorMeaning(fields.status) : undefined;
  const generic = kindOf(fields);
  // DeepSeek's table decides, except that a 400/422 whose message says context length or content filter stays that
  const kind = deepseek && generic !== 'context_length' && generic !== 'content_filter' ? deepseek.kind : generic;
  const retryAfterMs = parseRetryAfter(fields.headers, (options.now ?? Date.now)());
  const rule = RULES[kind];
  const said = fields.message || (typeof error === 'string' ? error : '');
  const raw = deepseek ? `DeepSeek ${String(fields.status)} ${deepseek.meaning}${said ? `: ${said}` : ''}` : said;
  const message = raw ? redactKeyPatterns(raw).slice(0, MAX_MESSAGE) : undefined;
  return {
    kind,
    failover: rule.failover,
    cooldownMs: rule.cooldownMs(policy, retryAfterMs),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    clientStatus: deepseek?.clientStatus ?? rule.clientStatus(fields.status),
    ...(fields.status !== undefined ? { upstreamStatus: fields.status } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(fields.param !== undefined ? { param: fields.param } : {}),
  };
}
