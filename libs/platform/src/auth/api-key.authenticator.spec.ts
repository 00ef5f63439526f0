// The key cache's invalidation: what a revocation, a creation or a lost Redis connection does to it.
import { hashApiKey } from './api-key';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import type { ApiKeyRecord, ApiKeysRepository } from './api-keys.repository';
import { InProcessKeyInvalidationBus, type KeyInvalidationBus } from './key-invalidation.bus';

const KEY = 'sk-shoal-cached-key-0123456789abcdef';
const HASH = hashApiKey(KEY);
const headers = { authorization: `Bearer ${KEY}` };
const record = (over: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id: 'key_1',
  tenantId: 'ten_1',
  scopes: [],
  workflowId: null,
  rateLimits: { key: { rpm: null, tpm: null }, tenant: { rpm: null, tpm: null } },
  expiresAt: null,
  revokedAt: null,
  ...over,
});

class FakeKeys {
  readonly records = new Map<string, ApiKeyRecord>();
  lookups = 0;
  gate: Promise<void> = Promise.resolve();
  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    this.lookups++;
    const found = this.records.get(hash) ?? null;
    await this.gate;
    return found;
  }
  // the authenticator records last use in batches, 30 s later: a slow run of the suite reaches that timer
  touchMany(): Promise<void> {
    return Promise.resolve();
  }
}

/** A bus whose gap (a Redis reconnect) the test can trigger. */
class ControlledBus implements KeyInvalidationBus {
  onHash: (h: string) => void = () => undefined;
  onGap: () => void = () => undefined;
  async publish(hash: string) {
    this.onHash(hash);
  }
  async subscribe(onHash: (h: string) => void, onGap: () => void) {
    this.onHash = onHash;
    this.onGap = onGap;
  }
}

async function setup(bus: KeyInvalidationBus = new InProcessKeyInvalidationBus()) {
  const keys = new FakeKeys();
  const auth = new ApiKeyAuthenticator(keys as unknown as ApiKeysRepository, { failuresPerIp: 1000, windowMs: 60_000 }, bus);
  await auth.onModuleInit();
  return { keys, auth, bus };
}
const ok = (auth: ApiKeyAuthenticator) =>
  auth.authenticate(headers, '198.51.100.1').then(
    () => true,
    () => false,
  );

it('serves a known key from the cache, and reads it again once a revocation is published', async () => {
  const { keys, auth, bus } = await setup();
  keys.records.set(HASH, record());
  expect(await ok(auth)).toBe(true);
  expect(await ok(auth)).toBe(true);
  expect(keys.lookups).toBe(1);
  keys.records.set(HASH, record({ revokedAt: new Date() }));
  expect(await ok(auth)).toBe(true); // cached: nobody said
  await bus.publish(HASH);
  expect(await ok(auth)).toBe(false);
  expect(keys.lookups).toBe(2);
});

it('forgets a key it cached as unknown once its creation is published', async () => {
  const { keys, auth, bus } = await setup();
  expect(await ok(auth)).toBe(false);
  keys.records.set(HASH, record());
  expect(await ok(auth)).toBe(false); // negatively cached
  await bus.publish(HASH);
  expect(await ok(auth)).toBe(true);
});

it('forgets every cached key after a gap in the invalidations (a Redis reconnect)', async () => {
  const bus = new ControlledBus();
  const { keys, auth } = await setup(bus);
  keys.records.set(HASH, record());
  expect(await ok(auth)).toBe(true);
  keys.records.set(HASH, record({ revokedAt: new Date() }));
  bus.onGap();
  expect(await ok(auth)).toBe(false);
});

it('does not cache a lookup that an invalidation overlapped', async () => {
  const { keys, auth, bus } = await setup();
  keys.records.set(HASH, record());
  let release = () => undefined as void;
  keys.gate = new Promise<void>((r) => (release = r));
  const first = ok(auth); // reads the valid row, then waits
  await new Promise((r) => setImmediate(r));
  keys.records.set(HASH, record({ revokedAt: new Date() }));
  await bus.publish(HASH);
  release();
  expect(await first).toBe(true); // what it read
  keys.gate = Promise.resolve();
  expect(await ok(auth)).toBe(false); // not served from a cache filled by the stale read
});
