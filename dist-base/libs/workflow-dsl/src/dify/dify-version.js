// Which Dify DSL versions Shoal imports, and the version it writes.
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
    get DIFY_DEFAULT_DSL_VERSION () {
        return DIFY_DEFAULT_DSL_VERSION;
    },
    get DIFY_DSL_VERSION () {
        return DIFY_DSL_VERSION;
    },
    get checkDslVersion () {
        return checkDslVersion;
    }
});
const DIFY_DSL_VERSION = '0.6.0';
const SUPPORTED = {
    major: 0,
    minor: 6
};
const DIFY_DEFAULT_DSL_VERSION = '0.1.0';
const VERSION = /^(\d{1,6})\.(\d{1,6})(?:\.(\d{1,6}))?$/;
function checkDslVersion(raw) {
    if (raw === undefined || raw === null || raw === '') return {
        ok: true,
        version: DIFY_DEFAULT_DSL_VERSION
    };
    if (typeof raw !== 'string') {
        // YAML reads `version: 0.1` as a number; Dify refuses it too ("Invalid version type").
        return {
            ok: false,
            issue: {
                path: 'version',
                code: 'invalid_version',
                message: `version must be a string such as '${DIFY_DSL_VERSION}' (got ${typeof raw} ${String(raw)}); quote it`
            }
        };
    }
    const match = VERSION.exec(raw.trim());
    if (!match) return {
        ok: false,
        issue: {
            path: 'version',
            code: 'invalid_version',
            message: `version '${raw}' is not a DSL version such as '${DIFY_DSL_VERSION}'`
        }
    };
    const [major, minor, patch] = [
        Number(match[1]),
        Number(match[2]),
        Number(match[3] ?? 0)
    ];
    if (major > SUPPORTED.major || major === SUPPORTED.major && minor > SUPPORTED.minor) {
        return {
            ok: false,
            issue: {
                path: 'version',
                code: 'unsupported_version',
                message: `DSL version ${raw} is newer than Shoal supports (0.1.0 to ${SUPPORTED.major}.${SUPPORTED.minor}.x); export it from an older Dify or upgrade Shoal`
            }
        };
    }
    const version = `${major}.${minor}.${patch}`;
    if (minor === SUPPORTED.minor && patch > 0) {
        return {
            ok: true,
            version,
            warning: {
                path: 'version',
                code: 'newer_patch_version',
                message: `DSL version ${version} is newer than ${DIFY_DSL_VERSION}; it was read as ${DIFY_DSL_VERSION}`
            }
        };
    }
    return {
        ok: true,
        version
    };
}

//# sourceMappingURL=dify-version.js.map