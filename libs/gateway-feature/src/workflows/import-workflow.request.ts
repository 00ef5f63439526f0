// What POST /v1/workflows/import was sent: the DSL as a YAML body, or JSON { yaml_content, model_map? },
// plus an optional `model_map` query parameter that applies to both.
import { z } from 'zod';
import { parseModelMapParam } from '@shoal/workflow-dsl';
import { ApiError, parseBody } from '@shoal/platform';

export const YAML_BODY_TYPES = ['application/yaml', 'text/yaml'] as const;

export interface ImportWorkflowRequest {
  yaml: string;
  modelMap: Record<string, string>;
}

const aliasName = z.string().trim().min(1, 'must not be empty').max(200);
export const importJsonSchema = z.object({
  yaml_content: z.string(),
  model_map: z.record(aliasName, aliasName).optional(),
});

/** `mediaType` is the request's Content-Type without parameters; the route admits only JSON and YAML. */
export function parseImportRequest(body: unknown, mediaType: string | undefined, modelMapQuery: unknown): ImportWorkflowRequest {
  const fromQuery = parseModelMapQuery(modelMapQuery);
  if (mediaType !== undefined && (YAML_BODY_TYPES as readonly string[]).includes(mediaType)) {
    if (typeof body !== 'string' || body.trim() === '')
      throw ApiError.validation('The request body is empty; send the Dify DSL export (YAML)', [
        { path: 'body', message: 'is empty', code: 'empty_body' },
      ]);
    return { yaml: body, modelMap: fromQuery };
  }
  const input = parseBody(importJsonSchema, body);
  // the body's map is the more specific one: it wins over the query parameter for the same name
  return { yaml: input.yaml_content, modelMap: { ...fromQuery, ...input.model_map } };
}

function parseModelMapQuery(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  // a repeated parameter is read as one list
  const text = Array.isArray(value) ? value.join(',') : value;
  if (typeof text !== 'string')
    throw ApiError.validation('model_map must be a string', [
      { path: 'query.model_map', message: 'must be a string', code: 'invalid_type' },
    ]);
  const parsed = parseModelMapParam(text, 'model_map');
  if (parsed.ok) return parsed.modelMap;
  const issues = parsed.issues.map((i) => ({ path: `query.${i.path}`, message: i.message, code: i.code }));
  throw ApiError.validation(`Invalid model_map: ${issues.map((i) => i.message).join('; ')}`, issues);
}
