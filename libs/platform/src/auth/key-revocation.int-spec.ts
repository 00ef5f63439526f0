// A revoked key stops working on every replica at once, not when each replica's cache expires; a
// key created after a replica cached it as unknown works there at once. Two app instances, one
// Postgres, one real Redis.
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { dropRedisPrefixes, createTestDatabase, testRedisPrefix, testRedisUrl, type TestDatabase } from '@shoal/testing';
import { configureRootLogger } from '../logging/logger';
import { PlatformModule } from '../platform.module';
import { createHttpApp, listen } from '../http/bootstrap';
import { ApiKeyGuard } from './api-key.guard';
import { Ctx, type RequestContext } from './request-context';
import { ApiKeyChanges } from './api-key-changes';
import { ApiKeysRepository } from './api-keys.repository';
import { displayPrefix, hashApiKey } from './api-key';
import { createPrismaClient, type PrismaClient } from '../database/prisma';

jest.setTimeout(60_000);

@Controller('whoami')
@UseGuards(ApiKeyGuard)
class WhoAmIController {
  @Get()
  who(@Ctx() ctx: RequestContext) {
    return { key: ctx.apiKeyId };
  }
}

let db: TestDatabase;
let prisma: PrismaClient;
const prefix = testRedisPrefix('key-revocation');
const apps: NestFastifyApplication[] = [];
const urls: string[] = [];
const KEY = 'sk-shoal-revocation-test-key-0123456789';

async function instance(): Promise<void> {
  @Module({
    imports: [
      PlatformModule.forRoot({
        database: { url: db.url, maxConnections: 2 },
        redis: { url: testRedisUrl(), prefix },
        internalToken: 'x'.repeat(32),
      }),
    ],
    controllers: [WhoAmIController],
  })
  class ReplicaModule {}
  const app = await createHttpApp(ReplicaModule, { shutdownHooks: false });
  apps.push(app);
  urls.push(await listen(app, { port: 0, host: '127.0.0.1' }));
}

const status = async (url: string, key: string) => (await fetch(`${url}/whoami`, { headers: { authorization: `Bearer ${key}` } })).status;

/** ms until `url` answers `expected` for `key`, polling; -1 if it does not within `limitMs` */
async function msUntil(url: string, key: string, expected: number, limitMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < limitMs) {
    if ((await status(url, key)) === expected) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 10));
  }
  return -1;
}

beforeAll(async () => {
  configureRootLogger({ service: 'test', level: 'silent' });
  db = await createTestDatabase('key-revocation');
  prisma = createPrismaClient({ url: db.url, maxConnections: 2 });
  await new ApiKeysRepository(prisma).bootstrap(KEY);
  await instance();
  await instance();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await prisma?.$disconnect();
  await db?.drop();
  await dropRedisPrefixes([prefix]);
});

it('refuses a key revoked on one replica on the other within a second, though both had it cached', async () => {
  // both replicas have the key in their caches (valid for 30 s)
  for (const url of urls) expect(await status(url, KEY)).toBe(200);
  const [{ id, tenantId }] = await prisma.apiKey.findMany({ select: { id: true, tenantId: true } });
  expect(await apps[0].get(ApiKeyChanges).revoke(tenantId, id)).toBe(true);
  // the replica that revoked it refuses it at once, without waiting for its own message to come back
  expect(await status(urls[0], KEY)).toBe(401);
  const elapsed = await Promise.all(urls.map((url) => msUntil(url, KEY, 401, 5_000)));
  for (const ms of elapsed) {
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThan(1_000);
  }
});

it('accepts a key created after a replica cached it as unknown, at once', async () => {
  const fresh = 'sk-shoal-revocation-test-fresh-key-0123';
  for (const url of urls) expect(await status(url, fresh)).toBe(401); // now in both negative caches (5 s)
  const tenant = await prisma.tenant.findFirstOrThrow();
  await prisma.apiKey.create({
    data: { id: 'key_fresh', tenantId: tenant.id, name: 'fresh', prefix: displayPrefix(fresh), hash: hashApiKey(fresh), scopes: [] },
  });
  await apps[1].get(ApiKeyChanges).created(hashApiKey(fresh));
  const elapsed = await Promise.all(urls.map((url) => msUntil(url, fresh, 200, 5_000)));
  for (const ms of elapsed) {
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThan(1_000);
  }
});

it('says so when the tenant has no such key', async () => {
  expect(await apps[0].get(ApiKeyChanges).revoke('ten_nobody', 'key_nobody')).toBe(false);
});
