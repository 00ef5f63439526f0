// The OpenAPI 3.1 document of a service's public routes, built from what the code declares: the
// routes of its controllers, the credential and scope each needs, and the zod schemas of @ApiDoc.
// A route without @ApiDoc is still in the document (a test requires every route to be).
import type { Type } from '@nestjs/common';
import { z } from 'zod';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { InternalTokenGuard } from '../auth/internal-token.guard';
import { scopeOf } from '../auth/scope.check';
import { controllerRoutes } from '../http/controller-routes';
import { API_DOC_METADATA, type ApiDocOptions } from './api-doc';

type Json = Record<string, unknown>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

const PROBLEM_TYPE = 'application/problem+json';
const OPENAI_ERROR_TYPE = 'application/json';

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is malformed or invalid; `errors` names each failing field by its JSON path.',
  401: 'No API key, or an unknown, revoked or expired one.',
  403: 'The API key lacks the scope this route needs.',
  404: 'No such resource in the caller’s tenant.',
  409: 'The resource is not in a state that allows this.',
  413: 'The request body is too large.',
  415: 'The Content-Type is not one this route accepts.',
  422: 'Well-formed, but not something Shoal can do (e.g. an unsupported Dify node).',
  429: 'A rate limit was reached; see `Retry-After` and `RateLimit`.',
  500: 'An error on Shoal’s side; nothing of the request was half-written.',
  502: 'The model provider failed.',
  503: 'A dependency is unavailable; retry after `Retry-After`.',
};
const COMMON_ERRORS = [400, 401, 403, 413, 415, 429, 500];

/** `/v1/runs/:id` → `/v1/runs/{id}` */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function schemaOf(schema: z.ZodType): Json {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete out.$schema;
  return out;
}

function operationId(controller: Type, name: string): string {
  const base = controller.name.replace(/Controller$/, '');
  return `${base.charAt(0).toLowerCase()}${base.slice(1)}${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

function tagOf(path: string, doc: ApiDocOptions | undefined): string {
  if (doc?.tag) return doc.tag;
  const segment = path.split('/').filter((s) => s && !/^v\d+$/.test(s))[0] ?? 'service';
  return segment;
}

/** Builds the document; `isOpenAi(path)` picks OpenAI's error shape for the OpenAI-compatible routes. */
export function buildOpenApi(controllers: Iterable<Type>, info: OpenApiInfo, isOpenAi: (path: string) => boolean): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const tags = new Set<string>();
  const ids = new Set<string>();
  for (const route of controllerRoutes(controllers)) {
    // service-to-service routes are not part of the public API
    if (route.guards.includes(InternalTokenGuard)) continue;
    const doc = Reflect.getMetadata(API_DOC_METADATA, route.handler) as ApiDocOptions | undefined;
    const needsKey = route.guards.includes(ApiKeyGuard);
    const scope = scopeOf(route.handler, route.controller);
    const path = openApiPath(route.path);
    const tag = tagOf(route.path, doc);
    tags.add(tag);
    let id = operationId(route.controller, route.name);
    while (ids.has(id)) id += '_';
    ids.add(id);

    const parameters: Json[] = [];
    for (const m of route.path.matchAll(/:([A-Za-z0-9_]+)/g))
      parameters.push({ name: m[1], in: 'path', required: true, schema: { type: 'string', maxLength: 100 } });
    if (doc?.query) {
      const q = schemaOf(doc.query) as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {}))
        parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
    }
    for (const h of doc?.headers ?? [])
      parameters.push({
        name: h.name,
        in: 'header',
        required: h.required ?? false,
        description: h.description,
        schema: { type: 'string' },
      });

    const errorType = isOpenAi(route.path) ? OPENAI_ERROR_TYPE : PROBLEM_TYPE;
    const errorRef = isOpenAi(route.path) ? '#/components/schemas/OpenAiError' : '#/components/schemas/Problem';
    const responses: Record<string, Json> = {};
    for (const [status, r] of Object.entries(doc?.responses ?? { 200: { description: 'OK' } }))
      responses[status] = r.schema
        ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: schemaOf(r.schema) } } }
        : r.contentType
          ? { description: r.description, content: { [r.contentType]: { schema: { type: 'string' } } } }
          : { description: r.description };
    const errors = new Set([
      ...(needsKey ? COMMON_ERRORS : [400, 500]),
      ...(doc?.errors ?? []),
      ...(parameters.some((p) => p.in === 'path') ? [404] : []),
    ]);
    if (!needsKey) errors.delete(401);
    for (const status of [...errors].sort())
      responses[String(status)] ??= {
        description: ERROR_TEXT[status] ?? 'Error',
        ...(status === 429 ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds to wait' } } } : {}),
        content: { [errorType]: { schema: { $ref: errorRef } } },
      };

    const operation: Json = {
      operationId: id,
      summary: doc?.summary ?? `${route.method} ${path}`,
      ...(doc?.description || scope
        ? { description: [doc?.description, scope ? `Needs the \`${scope}\` scope.` : ''].filter(Boolean).join('\n\n') }
        : {}),
      tags: [tag],
      ...(parameters.length ? { parameters } : {}),
      responses,
      security: needsKey ? [{ apiKey: [] }] : [],
      ...(scope ? { 'x-required-scope': scope } : {}),
    };
    if (doc?.body || doc?.bodyTypes) {
      const content: Json = {};
      if (doc.body) content['application/json'] = { schema: schemaOf(doc.body) };
      for (const [type, schema] of Object.entries(doc.bodyTypes ?? {}))
        content[type] = { schema: schema ? schemaOf(schema) : { type: 'string' } };
      operation.requestBody = { required: true, content };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }

  return {
    openapi: '3.1.0',
    info: { ...info, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    servers: [{ url: '/', description: 'this server' }],
    tags: [...tags].sort().map((name) => ({ name, description: `${name} routes` })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer sk-shoal-…`' },
      },
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string', description: 'a stable URI naming the kind of problem' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'message'],
                properties: {
                  path: { type: 'string', description: 'JSON path of the failing field, e.g. `inputs.question`' },
                  message: { type: 'string' },
                  code: { type: 'string' },
                  node_id: { type: 'string' },
                  line: { type: 'integer' },
                  column: { type: 'integer' },
                },
              },
            },
          },
        },
        OpenAiError: {
          type: 'object',
          description: 'The OpenAI API’s error shape',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['message', 'type'],
              properties: {
                message: { type: 'string' },
                type: { type: 'string' },
                param: { type: ['string', 'null'] },
                code: { type: ['string', 'null'] },
              },
            },
          },
        },
      },
    },
  };
}
