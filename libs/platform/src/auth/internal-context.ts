// The signed context of a call between Shoal's services: who it is for (tenant, key, run, call)
// and until when. The caller builds every internal header here; the receiver verifies here and
// believes nothing else. HMAC-SHA256 with a key derived from SHOAL_INTERNAL_TOKEN: a leaked
// context is bound to one tenant, run and call and expires within a minute.
import { createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { INTERNAL_HEADERS } from '@shoal/contracts';

export interface InternalCallContext {
  tenantId: string;
  apiKeyId: string | null;
  runId: string | null;
  callId: string | null;
  nodeId: string | null;
}

export interface VerifiedInternalContext extends InternalCallContext {
  /** ms since the epoch, UTC */
  expiresAt: number;
}

export type InternalContextFailure = 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'too_long_lived';

export class InternalContextError extends Error {
  constructor(readonly reason: InternalContextFailure) {
    super(`internal call context refused: ${reason}`);
    this.name = 'InternalContextError';
  }
}

/** How long a context is valid: long enough for SDK retries of one hop, short enough to be useless later. */
export const INTERNAL_CONTEXT_TTL_MS = 60_000;
/** A context that claims to live longer than this (plus clock skew) was not made by Shoal. */
const MAX_LIFETIME_MS = INTERNAL_CONTEXT_TTL_MS + 30_000;
const VERSION = 'v1';

const keys = new Map<string, KeyObject>();
/**
 * The signing key, derived from the shared token (never the token itself), cached per token as a
 * KeyObject: an HMAC made from raw key bytes builds a key object of its own on every call, which
 * cost several times the HMAC itself.
 */
function signingKey(internalToken: string): KeyObject {
  let key = keys.get(internalToken);
  if (!key) {
    key = createSecretKey(Buffer.from(hkdfSync('sha256', internalToken, 'shoal', 'internal-call-context/v1', 32)));
    keys.set(internalToken, key);
  }
  return key;
}

const sign = (internalToken: string, payload: string) =>
  createHmac('sha256', signingKey(internalToken)).update(`${VERSION}.${payload}`).digest();

export function signInternalContext(
  internalToken: string,
  ctx: InternalCallContext,
  now = Date.now(),
  ttlMs = INTERNAL_CONTEXT_TTL_MS,
): string {
  const payload = Buffer.from(
    JSON.stringify({ t: ctx.tenantId, k: ctx.apiKeyId, r: ctx.runId, c: ctx.callId, n: ctx.nodeId, exp: now + ttlMs }),
  ).toString('base64url');
  return `${VERSION}.${payload}.${sign(internalToken, payload).toString('base64url')}`;
}

export function verifyInternalContext(internalToken: string, header: string | undefined, now = Date.now()): VerifiedInternalContext {
  if (!header) throw new InternalContextError('missing');
  const parts = header.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) throw new InternalContextError('malformed');
  const [, payload, sig] = parts as [string, string, string];
  const expected = sign(internalToken, payload);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InternalContextError('bad_signature');
  let body: { t?: unknown; k?: unknown; r?: unknown; c?: unknown; n?: unknown; exp?: unknown };
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof body;
  } catch {
    throw new InternalContextError('malformed');
  }
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  const tenantId = str(body.t);
  if (!tenantId || typeof body.exp !== 'number') throw new InternalContextError('malformed');
  if (body.exp <= now) throw new InternalContextError('expired');
  if (body.exp > now + MAX_LIFETIME_MS) throw new InternalContextError('too_long_lived');
  return { tenantId, apiKeyId: str(body.k), runId: str(body.r), callId: str(body.c), nodeId: str(body.n), expiresAt: body.exp };
}

/**
 * Every header a Shoal service sends to another: the internal token (the receiver's first check)
 * and the signed context. The one place they are built.
 */
export function internalHeaders(
  internalToken: string,
  ctx: InternalCallContext,
  opts: { traceparent?: string; now?: number } = {},
): Record<string, string> {
  const headers: Record<string, string> = {
    [INTERNAL_HEADERS.token]: internalToken,
    [INTERNAL_HEADERS.context]: signInternalContext(internalToken, ctx, opts.now),
  };
  if (opts.traceparent) headers[INTERNAL_HEADERS.traceparent] = opts.traceparent;
  return headers;
}
