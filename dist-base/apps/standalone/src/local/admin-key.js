// Standalone mode's admin key: generated on the first start and kept in the data directory (mode
// 0600), so that later starts can run the example without asking for it. Shown in full only when
// it is created; later starts name its prefix and the file.
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
    get ADMIN_KEY_FILE () {
        return ADMIN_KEY_FILE;
    },
    get adminKey () {
        return adminKey;
    }
});
const _interop_require_default = require("@swc/helpers/_/_interop_require_default");
const _nodefs = require("node:fs");
const _nodepath = /*#__PURE__*/ _interop_require_default._(require("node:path"));
const _platform = require("../../../../libs/platform/src");
const ADMIN_KEY_FILE = 'admin-api-key';
function adminKey(dataDir, bootstrapKey) {
    if (bootstrapKey) return {
        key: bootstrapKey,
        source: {
            kind: 'env'
        }
    };
    const file = _nodepath.default.join(dataDir, ADMIN_KEY_FILE);
    if ((0, _nodefs.existsSync)(file)) return {
        key: (0, _nodefs.readFileSync)(file, 'utf8').trim(),
        source: {
            kind: 'file',
            file
        }
    };
    const key = (0, _platform.generateApiKey)();
    // 'wx': never overwrite a key another process wrote in the meantime
    (0, _nodefs.writeFileSync)(file, key + '\n', {
        mode: 0o600,
        flag: 'wx'
    });
    return {
        key,
        source: {
            kind: 'created',
            file
        }
    };
}

//# sourceMappingURL=admin-key.js.map