// Embedded Postgres for standalone mode: PGlite (Postgres compiled to WebAssembly) with its data
// under SHOAL_DATA_DIR, served over the Postgres wire protocol on a Unix socket inside that 0700
// directory: no TCP port, and nobody but the directory's owner can connect. Prisma and `pg` talk
// to it exactly as they talk to a real server.
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
    get DataDirInUseError () {
        return DataDirInUseError;
    },
    get startEmbeddedPostgres () {
        return startEmbeddedPostgres;
    }
});
const _interop_require_default = require("@swc/helpers/_/_interop_require_default");
const _nodefs = require("node:fs");
const _nodenet = require("node:net");
const _nodeos = require("node:os");
const _nodepath = /*#__PURE__*/ _interop_require_default._(require("node:path"));
const _pglite = require("@electric-sql/pglite");
const _pglitesocket = require("@electric-sql/pglite-socket");
const _pg = require("pg");
const _platform = require("../../../libs/platform/src");
const _datadir = require("./local/data-dir");
// libpq and `pg` find a server's socket as `<dir>/.s.PGSQL.<port>`; the port only names the file
const SOCKET_PORT = 5432;
// sun_path is 108 bytes on Linux (104 on macOS), the terminating NUL included
const MAX_SOCKET_PATH = 103;
let DataDirInUseError = class DataDirInUseError extends Error {
    constructor(dataDir){
        super(`another Shoal process is using ${dataDir} (its database socket answers); stop it first, or set SHOAL_DATA_DIR to another directory`);
        this.name = 'DataDirInUseError';
    }
};
async function startEmbeddedPostgres(dataDir) {
    (0, _datadir.ensurePrivateDir)(dataDir);
    const socket = socketLocation(dataDir);
    await removeStaleSocket(socket.path, dataDir);
    const db = await _pglite.PGlite.create(_nodepath.default.join(dataDir, 'pgdata'));
    const server = new _pglitesocket.PGLiteSocketServer({
        db,
        path: socket.path
    });
    await server.start();
    // the directory already keeps others out; the socket's own mode says so too (connecting needs write access)
    (0, _nodefs.chmodSync)(socket.path, 0o600);
    const url = `postgresql://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socket.dir)}`;
    const stop = async ()=>{
        await server.stop();
        await db.close();
        (0, _nodefs.rmSync)(socket.path, {
            force: true
        });
        if (socket.temporary) (0, _nodefs.rmSync)(socket.dir, {
            recursive: true,
            force: true
        });
    };
    try {
        const client = new _pg.Client({
            host: socket.dir,
            port: SOCKET_PORT,
            user: 'postgres',
            database: 'postgres'
        });
        await client.connect();
        try {
            const appliedMigrations = await (0, _platform.applyMigrations)(client, (0, _platform.findMigrationsDir)());
            return {
                url,
                socketPath: socket.path,
                appliedMigrations,
                stop
            };
        } finally{
            await client.end();
        }
    } catch (err) {
        await stop();
        throw err;
    }
}
/** The data directory itself, unless its path is too long for a socket: then a 0700 temporary directory. */ function socketLocation(dataDir) {
    const file = `.s.PGSQL.${SOCKET_PORT}`;
    if (Buffer.byteLength(_nodepath.default.join(dataDir, file)) <= MAX_SOCKET_PATH) return {
        dir: dataDir,
        path: _nodepath.default.join(dataDir, file),
        temporary: false
    };
    const dir = (0, _nodefs.mkdtempSync)(_nodepath.default.join((0, _nodeos.tmpdir)(), 'shoal-pg-')); // mkdtemp creates it 0700
    (0, _platform.createLogger)('EmbeddedPostgres').warn({
        dataDir,
        socketDir: dir
    }, 'the data directory path is too long for a Unix socket: the database socket is in a private temporary directory');
    return {
        dir,
        path: _nodepath.default.join(dir, file),
        temporary: true
    };
}
/** A socket file left by a process that died is removed; one that still answers means the directory is in use. */ async function removeStaleSocket(socketPath, dataDir) {
    if (!(0, _nodefs.existsSync)(socketPath)) return;
    const answers = await new Promise((resolve)=>{
        const s = (0, _nodenet.connect)(socketPath);
        s.once('connect', ()=>{
            s.destroy();
            resolve(true);
        });
        s.once('error', ()=>resolve(false));
    });
    if (answers) throw new DataDirInUseError(dataDir);
    (0, _nodefs.unlinkSync)(socketPath);
}

//# sourceMappingURL=embedded-postgres.js.map