// Parses the `model_map` query parameter: `gpt-4o:deepseek-flash,claude-3:deepseek-v4-pro`.
import type { DifyImportIssue } from './dify-dsl.types';

export type ParseModelMapResult = { ok: true; modelMap: Record<string, string> } | { ok: false; issues: DifyImportIssue[] };

/**
 * Entries are `from:to`, separated by commas; spaces around names are ignored. The split is at the
 * last ':', because Dify model names may contain one (`ft:gpt-4o:org`) and Shoal aliases do not.
 */
export function parseModelMapParam(text: string, param = 'model_map'): ParseModelMapResult {
  const modelMap: Record<string, string> = Object.create(null) as Record<string, string>;
  const issues: DifyImportIssue[] = [];
  if (text.trim() === '') return { ok: true, modelMap: {} };
  text.split(',').forEach((entry, i) => {
    const path = `${param}[${i}]`;
    const trimmed = entry.trim();
    const colon = trimmed.lastIndexOf(':');
    if (trimmed === '') {
      issues.push({ path, code: 'invalid_input', message: `${param} entry ${i + 1} is empty (a stray comma?)` });
      return;
    }
    if (colon < 0) {
      issues.push({ path, code: 'invalid_input', message: `${param} entry '${trimmed}' must be 'dify-model:shoal-alias'` });
      return;
    }
    const from = trimmed.slice(0, colon).trim();
    const to = trimmed.slice(colon + 1).trim();
    if (from === '' || to === '') {
      issues.push({ path, code: 'invalid_input', message: `${param} entry '${trimmed}' needs a model name on both sides of ':'` });
      return;
    }
    const previous = modelMap[from];
    if (previous !== undefined && previous !== to) {
      issues.push({ path, code: 'invalid_input', message: `${param} maps '${from}' twice ('${previous}' and '${to}')` });
      return;
    }
    modelMap[from] = to;
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, modelMap: { ...modelMap } };
}
