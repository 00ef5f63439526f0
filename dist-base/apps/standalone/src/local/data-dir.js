// The standalone data directory holds the database, its socket and the admin key: only its owner
// may enter it.
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
    get DataDirNotPrivateError () {
        return DataDirNotPrivateError;
    },
    get ensurePrivateDir () {
        return ensurePrivateDir;
    }
});
const _nodefs = require("node:fs");
let DataDirNotPrivateError = class DataDirNotPrivateError extends Error {
    constructor(dir, mode){
        super(`SHOAL_DATA_DIR ${dir} is shared (mode ${(mode & 0o7777).toString(8)}, not owned by this user or sticky like /tmp); point SHOAL_DATA_DIR at a directory of its own`);
        this.name = 'DataDirNotPrivateError';
    }
};
function ensurePrivateDir(dir) {
    (0, _nodefs.mkdirSync)(dir, {
        recursive: true,
        mode: 0o700
    });
    const st = (0, _nodefs.statSync)(dir);
    if ((st.mode & 0o077) === 0) return;
    const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
    if (!mine || (st.mode & 0o1000) !== 0) throw new DataDirNotPrivateError(dir, st.mode);
    (0, _nodefs.chmodSync)(dir, 0o700);
}

//# sourceMappingURL=data-dir.js.map