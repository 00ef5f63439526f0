// What a run's `files` (sys.files) may hold: the app's own file upload settings when it turned them
// on (Dify's features.file_upload), else any file, up to the configured count.
import type { FileRules } from '@shoal/workflow-dsl';
import type { FileLimits } from './file-limits';

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length ? (v as string[]) : undefined;

export function runFileRules(storedGraph: unknown, limits: FileLimits): { max: number; rules: FileRules } {
  const features = (storedGraph as { features?: unknown } | null)?.features as Record<string, unknown> | undefined;
  const upload = features?.file_upload as Record<string, unknown> | undefined;
  // Dify ignores the settings of an app whose file upload is off; Shoal then takes any file
  if (!upload || upload.enabled !== true) return { max: limits.maxRunFiles, rules: {} };
  const n = upload.number_limits;
  return {
    max: typeof n === 'number' && Number.isInteger(n) && n > 0 ? Math.min(n, limits.maxRunFiles) : limits.maxRunFiles,
    rules: {
      allowed_file_types: strings(upload.allowed_file_types),
      allowed_file_extensions: strings(upload.allowed_file_extensions),
      allowed_file_upload_methods: strings(upload.allowed_file_upload_methods),
    },
  };
}
