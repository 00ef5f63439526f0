import type { ExecutionContext } from '@nestjs/common';
import { INTERNAL_HEADERS } from '@shoal/contracts';
import { ApiError } from '../errors/api-error';
import { configureRootLogger } from '../logging/logger';
import {
  INTERNAL_CONTEXT_TTL_MS,
  InternalContextError,
  internalHeaders,
  signInternalContext,
  verifyInternalContext,
  type InternalCallContext,
} from './internal-context';
import { InternalTokenGuard } from './internal-token.guard';

const TOKEN = 'internal-token-for-tests-0123456789';
const CTX: InternalCallContext = { tenantId: 'ten_a', apiKeyId: 'key_a', runId: 'run_a', callId: 'run_a:llm:0', nodeId: 'llm' };
const NOW = 1_800_000_000_000;

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof InternalContextError) return err.reason;
    throw err;
  }
  throw new Error('expected the context to be refused');
};

/** replaces one field of the signed payload and keeps the old signature */
function tampered(header: string, change: Record<string, unknown>): string {
  const [v, payload, sig] = header.split('.');
  const body = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')), ...change };
  return `${v}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.${sig}`;
}

describe('internal call context', () => {
  beforeAll(() => configureRootLogger({ service: 'test', level: 'silent' }));

  it('round-trips the tenant, key, run, call and node, valid for a short while', () => {
    const v = verifyInternalContext(TOKEN, signInternalContext(TOKEN, CTX, NOW), NOW + 1_000);
    expect(v).toEqual({ ...CTX, expiresAt: NOW + INTERNAL_CONTEXT_TTL_MS });
  });

  it('refuses a context whose tenant was changed after signing', () => {
    expect(reason(() => verifyInternalContext(TOKEN, tampered(signInternalContext(TOKEN, CTX, NOW), { t: 'ten_b' }), NOW))).toBe(
      'bad_signature',
    );
  });

  it('refuses a context signed with another token', () => {
    expect(reason(() => verifyInternalContext(TOKEN, signInternalContext('another-token-0123456789abc', CTX, NOW), NOW))).toBe(
      'bad_signature',
    );
  });

  it('refuses an expired context', () => {
    expect(reason(() => verifyInternalContext(TOKEN, signInternalContext(TOKEN, CTX, NOW), NOW + INTERNAL_CONTEXT_TTL_MS))).toBe('expired');
  });

  it('refuses a validly signed context that claims to live for a day', () => {
    expect(reason(() => verifyInternalContext(TOKEN, signInternalContext(TOKEN, CTX, NOW, 24 * 3600_000), NOW))).toBe('too_long_lived');
  });

  it.each([
    ['nothing', undefined, 'missing'],
    ['garbage', 'not-a-context', 'malformed'],
    ['an unknown version', 'v0.e30.AAAA', 'malformed'],
  ])('refuses %s', (_what, header, expected) => {
    expect(reason(() => verifyInternalContext(TOKEN, header, NOW))).toBe(expected);
  });

  it('never carries the token itself in the context', () => {
    const header = signInternalContext(TOKEN, CTX, NOW);
    expect(header).not.toContain(TOKEN);
    expect(Buffer.from(header.split('.')[1]!, 'base64url').toString()).not.toContain(TOKEN);
  });
});

describe('InternalTokenGuard', () => {
  let guard: InternalTokenGuard;
  beforeAll(() => {
    configureRootLogger({ service: 'test', level: 'silent' });
    guard = new InternalTokenGuard(TOKEN);
  });
  const host = (headers: Record<string, string | undefined>) => {
    const req: Record<string, unknown> = { headers };
    return { req, host: { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext };
  };
  const refusal = (headers: Record<string, string | undefined>): ApiError => {
    try {
      guard.canActivate(host(headers).host);
    } catch (err) {
      if (err instanceof ApiError) return err;
      throw err;
    }
    throw new Error('expected the guard to refuse');
  };

  it('admits a call with the token and a fresh signed context, and hands the context on', () => {
    const { req, host: h } = host(internalHeaders(TOKEN, CTX));
    expect(guard.canActivate(h)).toBe(true);
    expect(Object.values(req).find((v) => typeof v === 'object' && v !== null && 'tenantId' in v)).toMatchObject(CTX);
  });

  it('refuses the token alone, with loose tenant headers (401)', () => {
    const err = refusal({ [INTERNAL_HEADERS.token]: TOKEN, 'x-shoal-tenant-id': 'ten_b', 'x-shoal-call-id': 'call_b' });
    expect(err.status).toBe(401);
  });

  it('refuses a tampered or expired context (401) without echoing it', () => {
    const headers = internalHeaders(TOKEN, CTX);
    const forged = { ...headers, [INTERNAL_HEADERS.context]: tampered(headers[INTERNAL_HEADERS.context]!, { t: 'ten_b' }) };
    expect(refusal(forged).status).toBe(401);
    const old = internalHeaders(TOKEN, CTX, { now: Date.now() - 2 * INTERNAL_CONTEXT_TTL_MS });
    const err = refusal(old);
    expect(err.status).toBe(401);
    expect(err.message).toContain('expired');
    expect(err.message).not.toContain(old[INTERNAL_HEADERS.context]!);
  });

  it('refuses a valid context with the wrong token (401)', () => {
    expect(refusal({ ...internalHeaders(TOKEN, CTX), [INTERNAL_HEADERS.token]: 'wrong-token-0123456789abcdef' }).status).toBe(401);
  });

  it('verifies a request once: the guard takes the context the edge hook verified, and a refused request stays refused', () => {
    const { req, host: h } = host(internalHeaders(TOKEN, CTX));
    const check = jest.spyOn(guard, 'check');
    try {
      const verified = guard.authenticate(req as { headers: Record<string, string> }); // the edge hook, before the body is read
      expect(verified).toMatchObject(CTX);
      expect(guard.canActivate(h)).toBe(true);
      expect(check).toHaveBeenCalledTimes(1);
      // a request the hook refused carries nothing: the guard checks (and refuses) it again
      const forged = host({ ...internalHeaders(TOKEN, CTX), [INTERNAL_HEADERS.token]: 'wrong-token-0123456789abcdef' });
      expect(() => guard.authenticate(forged.req as { headers: Record<string, string> })).toThrow(ApiError);
      expect(() => guard.canActivate(forged.host)).toThrow(ApiError);
      expect(check).toHaveBeenCalledTimes(3);
    } finally {
      check.mockRestore();
    }
  });
});
