// Applies prisma/migrations/*/migration.sql in order, recording them in Prisma's own
// `_prisma_migrations` table (same columns and checksums), so `prisma migrate deploy` and this
// agree about what is applied. Used where the Prisma CLI is not wanted at run time: the
// standalone mode's embedded Postgres and test database templates.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
function _export(target, all) {
    for(var name in all)Object.defineProperty(target, name, {
        enumerable: true,
        get: Object.getOwnPropertyDescriptor(all, name).get
    });
}
_export(exports, {
    get applyMigrations () {
        return applyMigrations;
    },
    get findMigrationsDir () {
        return findMigrationsDir;
    }
});
const _interop_require_default = require("@swc/helpers/_/_interop_require_default");
const _nodecrypto = require("node:crypto");
const _promises = require("node:fs/promises");
const _nodepath = /*#__PURE__*/ _interop_require_default._(require("node:path"));
async function applyMigrations(client, migrationsDir) {
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`);
    const done = new Set((await client.query(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)).rows.map((r)=>r.migration_name));
    const names = (await (0, _promises.readdir)(migrationsDir, {
        withFileTypes: true
    })).filter((d)=>d.isDirectory()).map((d)=>d.name).sort();
    const applied = [];
    for (const name of names){
        if (done.has(name)) continue;
        const sql = await (0, _promises.readFile)(_nodepath.default.join(migrationsDir, name, 'migration.sql'), 'utf8');
        const checksum = (0, _nodecrypto.createHash)('sha256').update(sql).digest('hex');
        await client.query('BEGIN');
        try {
            await client.query(sql);
            await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`, [
                (0, _nodecrypto.randomUUID)(),
                checksum,
                name
            ]);
            await client.query('COMMIT');
        } catch (err) {
            await client.query('ROLLBACK');
            throw new Error(`migration ${name} failed: ${err.message}`);
        }
        applied.push(name);
    }
    return applied;
}
function findMigrationsDir(start = __dirname) {
    let dir = start;
    for(let i = 0; i < 8; i++){
        const candidate = _nodepath.default.join(dir, 'prisma', 'migrations');
        try {
            require('node:fs').accessSync(_nodepath.default.join(dir, 'prisma', 'schema.prisma'));
            return candidate;
        } catch  {
            dir = _nodepath.default.dirname(dir);
        }
    }
    throw new Error(`prisma/migrations not found above ${start}`);
}

//# sourceMappingURL=migrator.js.map