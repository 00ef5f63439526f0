// A fresh Postgres database per test file, cloned from the migrated template that `npm test`
// prepares (CREATE DATABASE ... TEMPLATE is a file copy: milliseconds, not a migration run).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  return process.env['SHOAL_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const template = process.env['SHOAL_TEST_TEMPLATE_DB'];
  if (!template)
    throw new Error('SHOAL_TEST_TEMPLATE_DB is not set: run the tests with `npm test`, which prepares the migrated template database');
  const name = `shoal_${label
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()
    .slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    name,
    url: withDatabase(adminUrl(), name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A Redis key prefix of its own for one test file, so files can run in parallel on one Redis. */
export function testRedisPrefix(label = 'test'): string {
  return `shoaltest:${label}:${randomBytes(4).toString('hex')}:`;
}

export function testRedisUrl(): string {
  return process.env['SHOAL_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

/** Deletes what a test file left under its Redis prefixes (on its own connection, closed after). */
export async function dropRedisPrefixes(prefixes: Iterable<string>, url = testRedisUrl()): Promise<void> {
  const redis = new Redis(url);
  try {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
}
