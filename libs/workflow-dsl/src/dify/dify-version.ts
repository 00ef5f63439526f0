// Which Dify DSL versions Shoal imports, and the version it writes.
import type { DifyImportIssue, DifyImportWarning } from './dify-dsl.types';

/** The newest DSL version Shoal reads and the one it writes (Dify's CURRENT_APP_DSL_VERSION). */
export const DIFY_DSL_VERSION = '0.6.0';
const SUPPORTED = { major: 0, minor: 6 };
/** Dify treats a file without `version` as 0.1.0. */
export const DIFY_DEFAULT_DSL_VERSION = '0.1.0';

const VERSION = /^(\d{1,6})\.(\d{1,6})(?:\.(\d{1,6}))?$/;

export type CheckVersionResult = { ok: true; version: string; warning?: DifyImportWarning } | { ok: false; issue: DifyImportIssue };

/**
 * 0.1.0 up to 0.6.x are read. A newer major or minor is refused rather than half-understood;
 * Dify itself asks for confirmation there. A newer patch is read with a warning.
 */
export function checkDslVersion(raw: unknown): CheckVersionResult {
  if (raw === undefined || raw === null || raw === '') return { ok: true, version: DIFY_DEFAULT_DSL_VERSION };
  if (typeof raw !== 'string') {
    // YAML reads `version: 0.1` as a number; Dify refuses it too ("Invalid version type").
    return {
      ok: false,
      issue: {
        path: 'version',
        code: 'invalid_version',
        message: `version must be a string such as '${DIFY_DSL_VERSION}' (got ${typeof raw} ${String(raw)}); quote it`,
      },
    };
  }
  const match = VERSION.exec(raw.trim());
  if (!match)
    return {
      ok: false,
      issue: { path: 'version', code: 'invalid_version', message: `version '${raw}' is not a DSL version such as '${DIFY_DSL_VERSION}'` },
    };
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  if (major > SUPPORTED.major || (major === SUPPORTED.major && minor > SUPPORTED.minor)) {
    return {
      ok: false,
      issue: {
        path: 'version',
        code: 'unsupported_version',
        message: `DSL version ${raw} is newer than Shoal supports (0.1.0 to ${SUPPORTED.major}.${SUPPORTED.minor}.x); export it from an older Dify or upgrade Shoal`,
      },
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
        message: `DSL version ${version} is newer than ${DIFY_DSL_VERSION}; it was read as ${DIFY_DSL_VERSION}`,
      },
    };
  }
  return { ok: true, version };
}
