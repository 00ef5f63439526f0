// Points imported LLM nodes at Shoal model aliases: same name, or renamed by the model map.
import type { DifyImportWarning, JsonObject } from './dify-dsl.types';
import { isJsonObject } from './dify-graph.cleaner';

/**
 * Rewrites `data.model.name` in place for every node that names a model (llm, and Dify's
 * question-classifier and parameter-extractor). Returns a warning per node whose alias is not
 * among `knownModels`; without `knownModels` nothing can be said, so nothing is.
 */
export function mapModels(
  nodes: JsonObject[],
  modelMap: Readonly<Record<string, string>>,
  knownModels: ReadonlySet<string> | undefined,
  at: string,
): DifyImportWarning[] {
  const warnings: DifyImportWarning[] = [];
  nodes.forEach((node, i) => {
    const data = node.data;
    if (!isJsonObject(data) || !isJsonObject(data.model) || typeof data.model.name !== 'string') return;
    const original = data.model.name;
    const alias = Object.hasOwn(modelMap, original) ? modelMap[original] : original;
    if (alias !== original) data.model = { ...data.model, name: alias };
    if (knownModels && !knownModels.has(alias)) {
      const id = typeof node.id === 'string' ? node.id : undefined;
      const via = alias === original ? '' : ` (mapped from '${original}')`;
      warnings.push({
        path: `${at}[${i}].data.model.name`,
        nodeId: id,
        code: 'model_not_served',
        message: `node '${id ?? i}' uses model '${alias}'${via}, which no Shoal model alias serves; map it with model_map=${original}:<alias>`,
      });
    }
  });
  return warnings;
}
