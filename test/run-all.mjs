#!/usr/bin/env node
// `npm test`: everything, on a fresh machine. Makes sure Postgres and Redis answer (starting the
// local servers where they are installed), prepares a freshly migrated template database for this
// run (with the real `prisma migrate deploy`), then runs type checks, lint, unit, integration and
// end-to-end tests. Prints one closing line: "N passed, N failed".
//   --only unit|int|e2e|static|chaos   run one stage (chaos: `npm run chaos`, not part of the default run)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const stages = only ? [only] : ['static', 'unit', 'int', 'e2e'];
const pgUrl = process.env.SHOAL_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.SHOAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const log = (m) => process.stdout.write(`\n\x1b[1m▶ ${m}\x1b[0m\n`);
// npm scripts run on the Node the lockfile pins (node_modules/.bin/node); say which one this is.
if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `✖ Shoal needs Node >= 24, and this is ${process.version} (${process.execPath}). Run \`npm run setup\`, which installs the repo's pinned Node 24 into node_modules.\n`,
  );
  process.exit(1);
}
log(`Node ${process.version} (${path.relative(root, process.execPath) || process.execPath})`);
function run(cmd, argv, env = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function reachable(url, defPort) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || defPort) });
    s.setTimeout(1500);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}
const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
async function waitFor(url, port, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await reachable(url, port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function ensurePostgres() {
  if (await reachable(pgUrl, 5432)) return;
  if (has('pg_ctlcluster') && existsSync('/etc/postgresql')) {
    for (const v of readdirSync('/etc/postgresql')) {
      log(`Postgres is not answering: starting the local cluster ${v}/main`);
      spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', v, 'main', 'start'], { stdio: 'inherit' });
    }
    if (await waitFor(pgUrl, 5432, 20_000)) return;
  }
  fail(
    `Postgres is not reachable at ${new URL(pgUrl).host}. Install and start PostgreSQL (e.g. \`apt-get install postgresql\` and \`pg_ctlcluster 15 main start\`, or \`docker run -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:17\`), or point SHOAL_TEST_PG_URL at one.`,
  );
}

async function ensureRedis() {
  if (await reachable(redisUrl, 6379)) return;
  if (has('redis-server')) {
    log('Redis is not answering: starting a local redis-server (no persistence)');
    spawnSync(
      'redis-server',
      ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(new URL(redisUrl).port || 6379), '--save', '', '--appendonly', 'no'],
      { stdio: 'inherit' },
    );
    if (await waitFor(redisUrl, 6379, 10_000)) return;
  }
  fail(
    `Redis is not reachable at ${new URL(redisUrl).host}. Install and start Redis (e.g. \`apt-get install redis-server\`, or \`docker run -p 6379:6379 redis:7\`), or point SHOAL_TEST_REDIS_URL at one.`,
  );
}

function fail(message) {
  process.stderr.write(`\n✖ ${message}\n`);
  process.exit(1);
}

function psql(sql) {
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      `
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.argv[1] });
    c.connect().then(() => c.query(process.argv[2])).then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });
  `,
      pgUrl,
      sql,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) fail(`could not run: ${sql}`);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
function jest(project, extra = []) {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'shoal-jest-')), 'result.json');
  const status = run(process.execPath, [
    path.join(root, 'node_modules/jest/bin/jest.js'),
    '--selectProjects',
    project,
    '--json',
    '--outputFile',
    out,
    ...extra,
  ]);
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    if (r.numTotalTests === 0) {
      process.stderr.write(`✖ the ${project} project ran no test\n`);
      return 1;
    }
    if (r.numRuntimeErrorTestSuites > 0 && status === 0) return 1;
  }
  return status;
}

let failed = false;
const template = `shoal_tpl_${process.pid}_${Date.now().toString(36)}`;
const needsServers = stages.some((s) => s === 'int' || s === 'e2e' || s === 'chaos');
if (needsServers) {
  await ensurePostgres();
  await ensureRedis();
  log(`Preparing template database ${template} (prisma migrate deploy)`);
  psql(`CREATE DATABASE "${template}"`);
  const u = new URL(pgUrl);
  u.pathname = `/${template}`;
  if (run(process.execPath, ['prisma/migrate.mjs', 'deploy'], { DATABASE_URL: u.toString() }) !== 0) {
    psql(`DROP DATABASE IF EXISTS "${template}"`);
    fail('migrations failed');
  }
}
// standalone's database template (apps/standalone/src/pgdata-template.ts) is made once for this run,
// in a directory of its own, not taken from or left in the user's cache
const ownCache = process.env.SHOAL_CACHE_DIR === undefined;
const cacheDir = ownCache ? mkdtempSync(path.join(tmpdir(), 'shoal-test-cache-')) : process.env.SHOAL_CACHE_DIR;
const testEnv = {
  SHOAL_CACHE_DIR: cacheDir,
  SHOAL_TEST_TEMPLATE_DB: template,
  SHOAL_TEST_PG_URL: pgUrl,
  SHOAL_TEST_REDIS_URL: redisUrl,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};
Object.assign(process.env, testEnv);

try {
  for (const stage of stages) {
    if (stage === 'static') {
      log('Type check (tsc --noEmit)');
      if (run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']) !== 0)
        failed = true;
      log('Lint (eslint, with Nx module boundaries)');
      if (run(process.execPath, [path.join(root, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], { NX_DAEMON: 'false' }) !== 0)
        failed = true;
      if (run(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '.', '--max-warnings', '0']) !== 0) failed = true;
      log('Format (prettier --check; `npm run format` fixes it)');
      if (run(process.execPath, [path.join(root, 'node_modules/prettier/bin/prettier.cjs'), '--check', '.', '--log-level', 'warn']) !== 0)
        failed = true;
    } else if (stage === 'unit') {
      log('Unit tests');
      if (jest('unit') !== 0) failed = true;
    } else if (stage === 'int') {
      log('Integration tests (real Postgres and Redis)');
      if (jest('int', ['--maxWorkers', '2']) !== 0) failed = true;
    } else if (stage === 'e2e') {
      log('Build (swc)');
      if (run(process.execPath, ['.ci/build.mjs']) !== 0) {
        failed = true;
        continue;
      }
      log('End-to-end tests (services as separate processes)');
      if (jest('e2e', ['--runInBand']) !== 0) failed = true;
    } else if (stage === 'chaos') {
      log('Build (swc)');
      if (run(process.execPath, ['.ci/build.mjs']) !== 0) {
        failed = true;
        continue;
      }
      log('Chaos scenarios (services killed, Postgres and Redis cut, runs in flight)');
      if (jest('chaos', ['--runInBand']) !== 0) failed = true;
    }
  }
} finally {
  if (needsServers) psql(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  if (ownCache) rmSync(cacheDir, { recursive: true, force: true });
}

process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}\n`);
process.exit(failed || totals.failed > 0 ? 1 : 0);
