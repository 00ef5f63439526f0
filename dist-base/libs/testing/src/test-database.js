// A fresh Postgres database per test file, cloned from the migrated template that `npm test`
// prepares (CREATE DATABASE ... TEMPLATE is a file copy: milliseconds, not a migration run).
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
    get createTestDatabase () {
        return createTestDatabase;
    },
    get testRedisPrefix () {
        return testRedisPrefix;
    },
    get testRedisUrl () {
        return testRedisUrl;
    },
    get withDatabase () {
        return withDatabase;
    }
});
const _nodecrypto = require("node:crypto");
const _pg = require("pg");
function adminUrl() {
    return process.env['SHOAL_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}
function withDatabase(url, name) {
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
}
async function admin(fn) {
    const c = new _pg.Client({
        connectionString: adminUrl()
    });
    await c.connect();
    try {
        return await fn(c);
    } finally{
        await c.end();
    }
}
async function createTestDatabase(label = 'test') {
    const template = process.env['SHOAL_TEST_TEMPLATE_DB'];
    if (!template) throw new Error('SHOAL_TEST_TEMPLATE_DB is not set: run the tests with `npm test`, which prepares the migrated template database');
    const name = `shoal_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase().slice(0, 30)}_${(0, _nodecrypto.randomBytes)(4).toString('hex')}`;
    await admin((c)=>c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
    return {
        name,
        url: withDatabase(adminUrl(), name),
        drop: ()=>admin((c)=>c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(()=>undefined)
    };
}
function testRedisPrefix(label = 'test') {
    return `shoaltest:${label}:${(0, _nodecrypto.randomBytes)(4).toString('hex')}:`;
}
function testRedisUrl() {
    return process.env['SHOAL_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

//# sourceMappingURL=test-database.js.map