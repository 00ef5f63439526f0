import type { ExecutionContext } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import { hashApiKey } from './api-key';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import type { ApiKeyRecord, ApiKeysRepository } from './api-keys.repository';
import { REQUEST_CONTEXT, type RequestContext } from './request-context';
import { RequireScope } from './scopes';

const KEY = 'sk-shoal-valid-key-0123456789abcdef';

class FakeKeys {
  readonly records = new Map<string, ApiKeyRecord>();
  lookups = 0;
  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    this.lookups++;
    return this.records.get(hash) ?? null;
  }
  touched: string[][] = [];
  async touchMany(ids: readonly string[]): Promise<void> {
    this.touched.push([...ids]);
  }
}

const NO_LIMITS = { key: { rpm: null, tpm: null }, tenant: { rpm: null, tpm: null } };

function record(over: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: 'key_1',
    tenantId: 'ten_1',
    scopes: ['admin'],
    workflowId: null,
    expiresAt: null,
    revokedAt: null,
    rateLimits: NO_LIMITS,
    ...over,
  };
}

type Req = { headers: Record<string, string | string[] | undefined>; ip?: string } & Record<string, unknown>;

class Routes {
  open(): string {
    return 'open';
  }
  @RequireScope('workflows:write')
  write(): string {
    return 'write';
  }
  @RequireScope('platform:admin')
  tenants(): string {
    return 'tenants';
  }
}

function contextFor(headers: Req['headers'], ip = '203.0.113.7', handler: keyof Routes = 'open'): { host: ExecutionContext; req: Req } {
  const req: Req = { headers, ip };
  const host = {
    switchToHttp: () => ({ getRequest: () => req }),
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
  } as unknown as ExecutionContext;
  return { host, req };
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the guard to refuse');
}

describe('ApiKeyGuard', () => {
  let keys: FakeKeys;
  let guard: ApiKeyGuard;
  beforeEach(() => {
    keys = new FakeKeys();
    keys.records.set(hashApiKey(KEY), record());
    guard = new ApiKeyGuard(new ApiKeyAuthenticator(keys as unknown as ApiKeysRepository, { failuresPerIp: 5, windowMs: 60_000 }));
  });
  afterEach(() => jest.useRealTimers());

  it('lets a valid key in and puts the caller on the request', async () => {
    const { host, req } = contextFor({
      authorization: `Bearer ${KEY}`,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    await expect(guard.canActivate(host)).resolves.toBe(true);
    expect(req[REQUEST_CONTEXT]).toEqual<RequestContext>({
      tenantId: 'ten_1',
      apiKeyId: 'key_1',
      scopes: ['admin'],
      workflowId: null,
      rateLimits: NO_LIMITS,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
  });

  it('answers 401 with a hint when no key is sent', async () => {
    const err = await rejection(guard.canActivate(contextFor({}).host));
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/Authorization: Bearer/);
    expect(keys.lookups).toBe(0);
  });

  it('answers 401 for an unknown key', async () => {
    const err = await rejection(guard.canActivate(contextFor({ authorization: 'Bearer sk-shoal-not-a-real-key' }).host));
    expect([err.status, err.message]).toEqual([401, 'Invalid API key']);
  });

  it('refuses a revoked key and an expired key', async () => {
    keys.records.set(hashApiKey('sk-shoal-revoked'), record({ revokedAt: new Date(Date.now() - 1000) }));
    keys.records.set(hashApiKey('sk-shoal-expired'), record({ expiresAt: new Date(Date.now() - 1000) }));
    keys.records.set(hashApiKey('sk-shoal-not-yet-expired'), record({ expiresAt: new Date(Date.now() + 3_600_000) }));
    expect((await rejection(guard.canActivate(contextFor({ authorization: 'Bearer sk-shoal-revoked' }).host))).status).toBe(401);
    expect((await rejection(guard.canActivate(contextFor({ authorization: 'Bearer sk-shoal-expired' }).host))).status).toBe(401);
    await expect(guard.canActivate(contextFor({ authorization: 'Bearer sk-shoal-not-yet-expired' }).host)).resolves.toBe(true);
  });

  it('caches lookups, and a revoked key stops working once the 30 s cache runs out', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
    // each request is a fresh request object
    const host = () => contextFor({ authorization: `Bearer ${KEY}` }).host;
    await guard.canActivate(host());
    await guard.canActivate(host());
    expect(keys.lookups).toBe(1);

    keys.records.set(hashApiKey(KEY), record({ revokedAt: new Date() }));
    jest.setSystemTime(new Date('2026-03-01T12:00:29Z'));
    await expect(guard.canActivate(host())).resolves.toBe(true); // still cached
    jest.setSystemTime(new Date('2026-03-01T12:00:31Z'));
    expect((await rejection(guard.canActivate(host()))).status).toBe(401);
  });

  it('refuses a cached key the moment it expires', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
    keys.records.set(hashApiKey(KEY), record({ expiresAt: new Date('2026-03-01T12:00:10Z') }));
    // each request is a fresh request object
    const host = () => contextFor({ authorization: `Bearer ${KEY}` }).host;
    await expect(guard.canActivate(host())).resolves.toBe(true);
    jest.setSystemTime(new Date('2026-03-01T12:00:10Z'));
    expect((await rejection(guard.canActivate(host()))).status).toBe(401);
    expect(keys.lookups).toBe(1);
  });

  it('remembers an unknown key briefly: a repeated bad key costs one lookup', async () => {
    for (let i = 0; i < 3; i++)
      await rejection(guard.canActivate(contextFor({ authorization: 'Bearer sk-shoal-unknown' }, `198.51.100.${i}`).host));
    expect(keys.lookups).toBe(1);
  });

  it('keeps a valid key cached through a flood of unknown keys (no cache wipe)', async () => {
    const { host } = contextFor({ authorization: `Bearer ${KEY}` });
    await guard.canActivate(host);
    for (let i = 0; i < 20_000; i++)
      await rejection(
        guard.canActivate(contextFor({ authorization: `Bearer sk-shoal-bad-${i}` }, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`).host),
      );
    const before = keys.lookups;
    await expect(guard.canActivate(host)).resolves.toBe(true);
    expect(keys.lookups).toBe(before);
  });

  it('answers 429 with Retry-After to an address with too many failed keys, without looking them up; cached valid keys still work there', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
    const ip = '192.0.2.50';
    await guard.canActivate(contextFor({ authorization: `Bearer ${KEY}` }, ip).host);
    for (let i = 0; i < 5; i++)
      expect((await rejection(guard.canActivate(contextFor({ authorization: `Bearer sk-shoal-guess-${i}` }, ip).host))).status).toBe(401);
    const lookups = keys.lookups;
    const limited = await rejection(guard.canActivate(contextFor({ authorization: 'Bearer sk-shoal-guess-next' }, ip).host));
    expect([limited.status, limited.code]).toEqual([429, 'rate_limited']);
    expect(limited.opts.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.opts.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(keys.lookups).toBe(lookups);
    await expect(guard.canActivate(contextFor({ authorization: `Bearer ${KEY}` }, ip).host)).resolves.toBe(true);
    // another address is not affected, and the window ends
    expect((await rejection(guard.canActivate(contextFor({ authorization: 'Bearer sk-shoal-guess-x' }, '192.0.2.51').host))).status).toBe(
      401,
    );
    jest.setSystemTime(new Date('2026-03-01T12:01:01Z'));
    expect((await rejection(guard.canActivate(contextFor({ authorization: 'Bearer sk-shoal-guess-y' }, ip).host))).status).toBe(401);
  });

  it('does not authenticate again a request the edge hook already authenticated', async () => {
    const { host, req } = contextFor({});
    req[REQUEST_CONTEXT] = { tenantId: 't', apiKeyId: 'k', scopes: [], workflowId: null };
    await expect(guard.canActivate(host)).resolves.toBe(true);
    expect(keys.lookups).toBe(0);
  });

  it('answers 403 naming the scope a key lacks; admin holds every tenant scope but not platform:admin', async () => {
    keys.records.set(hashApiKey('sk-shoal-reader'), record({ scopes: ['read'] }));
    const denied = await rejection(guard.canActivate(contextFor({ authorization: 'Bearer sk-shoal-reader' }, undefined, 'write').host));
    expect([denied.status, denied.code]).toEqual([403, 'forbidden']);
    expect(denied.message).toContain("'workflows:write'");
    await expect(guard.canActivate(contextFor({ authorization: `Bearer ${KEY}` }, undefined, 'write').host)).resolves.toBe(true);
    expect((await rejection(guard.canActivate(contextFor({ authorization: `Bearer ${KEY}` }, undefined, 'tenants').host))).status).toBe(
      403,
    );
  });

  it('checks the scope of a request the edge hook authenticated', async () => {
    const { host, req } = contextFor({}, undefined, 'write');
    req[REQUEST_CONTEXT] = { tenantId: 't', apiKeyId: 'k', scopes: ['read'], workflowId: null };
    expect((await rejection(guard.canActivate(host))).status).toBe(403);
  });

  it('records last use in one write per interval, not per request', async () => {
    const auth = new ApiKeyAuthenticator(keys as unknown as ApiKeysRepository);
    for (let i = 0; i < 5; i++) await auth.authenticate({ authorization: `Bearer ${KEY}` }, '203.0.113.9');
    expect(keys.touched).toEqual([]);
    await auth.flushLastUsed();
    expect(keys.touched).toEqual([['key_1']]);
  });
});
