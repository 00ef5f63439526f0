// The http-request node (Dify's HttpRequestNodeData): a request built from templates, sent by the runtime's HTTP fetcher.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import { parseVariableReferences } from '../variable-reference';
import {
  baseDataShape,
  normalizeData,
  selectorSchema,
  type BaseNodeData,
  type NodeDefinition,
  type NodeReference,
} from './node-definition';

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const HTTP_BODY_TYPES = ['none', 'form-data', 'x-www-form-urlencoded', 'raw-text', 'json', 'binary'] as const;
export type HttpBodyType = (typeof HTTP_BODY_TYPES)[number];

/** One entry of Dify's body `data` list: a text `value` (a template) or a `file` selector. */
export interface HttpBodyItem {
  key: string;
  type: 'text' | 'file';
  value: string;
  /** `[nodeId, field]` of a file variable; empty for text items. */
  file: string[];
}

export type HttpAuthorization =
  { type: 'no-auth' } | { type: 'api-key'; config: { type: 'basic' | 'bearer' | 'custom'; api_key: string; header: string } };

/** Seconds, as Dify writes them; absent ones take the configured defaults. */
export interface HttpTimeout {
  connect?: number;
  read?: number;
  write?: number;
}

export interface HttpRequestNodeData extends BaseNodeData {
  type: 'http-request';
  method: HttpMethod;
  /** A template: `{{#node.var#}}` references are rendered before the request. */
  url: string;
  authorization: HttpAuthorization;
  /** Dify's text form: one `key: value` per line, templates allowed. */
  headers: string;
  params: string;
  body: { type: HttpBodyType; data: HttpBodyItem[] };
  timeout: HttpTimeout;
  /** Absent: the operator's setting (verify). */
  ssl_verify?: boolean;
}

export const HTTP_REQUEST_OUTPUT_FIELDS = ['status_code', 'body', 'headers', 'files'] as const;

/** Bounds on what a node may declare; the runtime bounds the rendered request again. */
export const HTTP_NODE_LIMITS = {
  urlChars: 8192,
  headersChars: 64 * 1024,
  paramsChars: 64 * 1024,
  bodyItems: 100,
  bodyTextChars: 1024 * 1024,
  /** Seconds; Dify's editor maxima are 10 (connect) and 600 (read, write). */
  timeoutSeconds: 600,
} as const;

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const seconds = z
  .number()
  .int()
  .positive()
  .max(HTTP_NODE_LIMITS.timeoutSeconds, `must be at most ${HTTP_NODE_LIMITS.timeoutSeconds} (seconds)`)
  .nullish();

const bodyItemSchema = z.looseObject({
  key: text(1024).nullish(),
  type: z.enum(['text', 'file']).nullish(),
  value: text(HTTP_NODE_LIMITS.bodyTextChars).nullish(),
  file: z.array(z.string()).nullish(),
});

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('http-request'),
  method: z
    .string()
    .transform((m) => m.toLowerCase())
    .pipe(z.enum(HTTP_METHODS)),
  url: text(HTTP_NODE_LIMITS.urlChars).min(1, 'is required'),
  authorization: z
    .looseObject({
      type: z.enum(['no-auth', 'api-key']),
      config: z
        .looseObject({
          type: z.enum(['basic', 'bearer', 'custom']),
          api_key: text(4096).nullish(),
          header: text(256).nullish(),
        })
        .nullish(),
    })
    .nullish(),
  headers: text(HTTP_NODE_LIMITS.headersChars).nullish(),
  params: text(HTTP_NODE_LIMITS.paramsChars).nullish(),
  body: z
    .looseObject({
      type: z.enum(HTTP_BODY_TYPES),
      // Dify reads an old export's string body as one text item
      data: z.union([z.array(bodyItemSchema).max(HTTP_NODE_LIMITS.bodyItems), text(HTTP_NODE_LIMITS.bodyTextChars)]).nullish(),
    })
    .nullish(),
  timeout: z.looseObject({ connect: seconds, read: seconds, write: seconds }).nullish(),
  ssl_verify: z.boolean().nullish(),
});
type Parsed = z.infer<typeof schema>;

function bodyItems(parsed: Parsed): HttpBodyItem[] {
  const data = parsed.body?.data;
  if (!data) return [];
  if (typeof data === 'string') return [{ key: '', type: 'text', value: data, file: [] }];
  return data.map((d) => ({ key: d.key ?? '', type: d.type ?? 'text', value: d.value ?? '', file: d.file ?? [] }));
}

/** Body types whose `data` is a single item (Dify's `_require_single_body_item`). */
const SINGLE_ITEM_BODIES: ReadonlySet<HttpBodyType> = new Set(['raw-text', 'json', 'binary']);

function check(parsed: Parsed): LocalIssue[] {
  const issues: LocalIssue[] = [];
  const auth = parsed.authorization;
  if (auth?.type === 'api-key') {
    if (!auth.config) issues.push({ path: ['authorization', 'config'], code: 'required', detail: "is required when type is 'api-key'" });
    else if (auth.config.type === 'custom' && !auth.config.header?.trim())
      issues.push({ path: ['authorization', 'config', 'header'], code: 'required', detail: "is required when config.type is 'custom'" });
  }
  const type = parsed.body?.type;
  const items = bodyItems(parsed);
  if (type && SINGLE_ITEM_BODIES.has(type) && items.length > 1)
    issues.push({ path: ['body', 'data'], code: 'too_big', detail: `must have one item for a ${type} body (got ${items.length})` });
  items.forEach((item, i) => {
    const fileBody = type === 'binary' || (type === 'form-data' && item.type === 'file');
    if (fileBody && item.file.length < 2)
      issues.push({ path: ['body', 'data', i, 'file'], code: 'required', detail: 'must select a file variable ([node, variable])' });
  });
  return issues;
}

function templateRefs(path: NodeReference['path'], source: string | null | undefined): NodeReference[] {
  return source ? parseVariableReferences(source).map((r) => ({ path, selector: r.selector, raw: r.raw })) : [];
}

function references(parsed: Parsed): NodeReference[] {
  const refs = [
    ...templateRefs(['url'], parsed.url),
    ...templateRefs(['headers'], parsed.headers),
    ...templateRefs(['params'], parsed.params),
  ];
  if (parsed.authorization?.type === 'api-key')
    refs.push(...templateRefs(['authorization', 'config', 'api_key'], parsed.authorization.config?.api_key));
  const type = parsed.body?.type ?? 'none';
  if (type === 'none') return refs;
  bodyItems(parsed).forEach((item, i) => {
    const at = typeof parsed.body?.data === 'string' ? ['body', 'data'] : ['body', 'data', i];
    refs.push(...templateRefs([...at, 'key'], item.key));
    const fileItem = type === 'binary' || (type === 'form-data' && item.type === 'file');
    if (fileItem) {
      if (selectorSchema.safeParse(item.file).success) refs.push({ path: [...at, 'file'], selector: item.file });
    } else refs.push(...templateRefs([...at, 'value'], item.value));
  });
  return refs;
}

function normalizeAuth(parsed: Parsed): HttpAuthorization {
  const a = parsed.authorization;
  if (a?.type !== 'api-key' || !a.config) return { type: 'no-auth' };
  return { type: 'api-key', config: { type: a.config.type, api_key: a.config.api_key ?? '', header: a.config.header ?? '' } };
}

function normalizeTimeout(t: Parsed['timeout']): HttpTimeout {
  const out: HttpTimeout = {};
  if (t?.connect != null) out.connect = t.connect;
  if (t?.read != null) out.read = t.read;
  if (t?.write != null) out.write = t.write;
  return out;
}

export const httpRequestNodeDefinition: NodeDefinition<HttpRequestNodeData, Parsed> = {
  type: 'http-request',
  schema,
  normalize: (parsed, nodeId) =>
    normalizeData(parsed, 'http-request', nodeId, {
      method: parsed.method,
      url: parsed.url,
      authorization: normalizeAuth(parsed),
      headers: parsed.headers ?? '',
      params: parsed.params ?? '',
      body: { type: parsed.body?.type ?? 'none', data: bodyItems(parsed) },
      timeout: normalizeTimeout(parsed.timeout),
      ssl_verify: parsed.ssl_verify ?? undefined,
    }),
  check,
  references,
  outputFields: () => HTTP_REQUEST_OUTPUT_FIELDS,
};
