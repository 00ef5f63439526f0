// Dify's `json_process` tools (parse, json_insert, json_replace, json_delete): JSONPath over a JSON text,
// the result as text. As in Dify, a bad document or query is a text answer, not a failed node.
import type { ToolCallOutput } from '../ports';
import { str, textOutput, type BuiltinTool, type BuiltinToolProvider, type ToolParameterDeclaration } from './builtin-tool';
import { findJsonPath, parseJsonPath, pythonJsonDumps, pythonStr, type JsonPathMatch } from './json-path';

const content: ToolParameterDeclaration = { name: 'content', type: 'string', required: true, description: 'JSON text' };
const query: ToolParameterDeclaration = { name: 'query', type: 'string', required: true, description: 'JSONPath query' };
const ensureAscii: ToolParameterDeclaration = {
  name: 'ensure_ascii',
  type: 'boolean',
  required: false,
  default: true,
  description: 'escape non-ASCII characters',
};
const valueDecode: ToolParameterDeclaration = {
  name: 'value_decode',
  type: 'boolean',
  required: false,
  default: false,
  description: 'read the new value as JSON',
};

const asBool = (v: unknown, def: boolean) => (v === undefined || v === null ? def : v === true || v === 'true' || v === 'True');

/** The first missing required text parameter's message, as Dify's tools answer it. */
function missing(params: Readonly<Record<string, unknown>>, names: readonly string[]): ToolCallOutput | null {
  const name = names.find((n) => !str(params, n));
  return name ? textOutput(`Invalid parameter ${name}`) : null;
}

/** Runs `fn` over the parsed document; any failure (bad JSON, query, too deep) becomes its message as text. */
function withDocument(params: Readonly<Record<string, unknown>>, fn: (doc: unknown, root: { doc: unknown }) => string): ToolCallOutput {
  try {
    const root = { doc: JSON.parse(str(params, 'content')) as unknown };
    return textOutput(fn(root.doc, root));
  } catch (e) {
    return textOutput(e instanceof Error ? e.message : String(e));
  }
}

function setAt(m: JsonPathMatch, value: unknown, root: { doc: unknown }): void {
  if (m.parent === null) root.doc = value;
  else (m.parent as Record<string | number, unknown>)[m.key as string | number] = value;
}

const parse: BuiltinTool = {
  name: 'parse',
  label: 'JSON Parse',
  description: 'The values a JSONPath query selects in a JSON text.',
  parameters: [content, { name: 'json_filter', type: 'string', required: true, description: 'JSONPath query' }, ensureAscii],
  invoke(params) {
    const bad = missing(params, ['content', 'json_filter']);
    if (bad) return bad;
    return withDocument(params, (doc) => {
      const values = findJsonPath(doc, parseJsonPath(str(params, 'json_filter'))).map((m) => m.value);
      if (!values.length) return '';
      const result = values.length === 1 ? values[0] : values;
      return typeof result === 'object' && result !== null ? pythonJsonDumps(result, asBool(params.ensure_ascii, true)) : pythonStr(result);
    });
  },
};

const insert: BuiltinTool = {
  name: 'json_insert',
  label: 'JSON Insert',
  description: 'Inserts a value where a JSONPath query points: into an object (merged), an array (appended or at index), or in place.',
  parameters: [
    content,
    query,
    { name: 'new_value', type: 'string', required: true, description: 'the value to insert' },
    { name: 'index', type: 'number', required: false, description: 'where to insert in an array (appended when absent)' },
    valueDecode,
    {
      name: 'create_path',
      type: 'select',
      required: true,
      default: 'False',
      options: ['True', 'False'],
      description: 'create a missing path',
    },
    ensureAscii,
  ],
  invoke(params) {
    const bad = missing(params, ['content', 'query', 'new_value']);
    if (bad) return bad;
    return withDocument(params, (doc, root) => {
      let value: unknown = str(params, 'new_value');
      if (asBool(params.value_decode, false)) {
        try {
          value = JSON.parse(value as string);
        } catch {
          return 'Cannot decode new value to json object';
        }
      }
      const q = str(params, 'query');
      const matches = findJsonPath(doc, parseJsonPath(q));
      if (!matches.length && asBool(params.create_path, false)) createPath(doc, q, value);
      for (const m of matches) {
        if (Array.isArray(m.value)) {
          const index = params.index;
          if (index === undefined || index === null || index === '') m.value.push(value);
          else m.value.splice(Number(index), 0, value);
        } else if (typeof m.value === 'object' && m.value !== null) {
          if (typeof value !== 'object' || value === null || Array.isArray(value))
            throw new Error('Cannot insert non-dict value into dict');
          Object.assign(m.value, value);
        } else setAt(m, value, root);
      }
      return pythonJsonDumps(root.doc, asBool(params.ensure_ascii, true));
    });
  },
};

/** Dify's create_path: dotted names, `name[i]` growing arrays with empty objects. */
function createPath(doc: unknown, q: string, value: unknown): void {
  const parts = q.replace(/^[$.]+|\.+$/g, '').split('.');
  let current = doc as Record<string, unknown>;
  parts.forEach((part, i) => {
    if (typeof current !== 'object' || current === null) throw new Error(`cannot create '${part}' inside a non-object`);
    const arr = /^(.*)\[(\d+)\]$/.exec(part);
    if (arr) {
      const list = (current[arr[1]] ??= []) as unknown[];
      if (!Array.isArray(list)) throw new Error(`'${arr[1]}' is not an array`);
      const at = Number(arr[2]);
      if (at > 10_000) throw new Error(`index ${at} is too large`);
      while (list.length <= at) list.push({});
      current = list[at] as Record<string, unknown>;
    } else if (i === parts.length - 1) current[part] = value;
    else current = (current[part] ??= {}) as Record<string, unknown>;
  });
}

const replace: BuiltinTool = {
  name: 'json_replace',
  label: 'JSON Replace',
  description: 'Replaces what a JSONPath query selects: a pattern inside string values, the keys, or the values.',
  parameters: [
    content,
    query,
    { name: 'replace_pattern', type: 'string', required: false, description: 'the text to replace (replace_model pattern)' },
    { name: 'replace_value', type: 'string', required: true, description: 'the replacement' },
    valueDecode,
    {
      name: 'replace_model',
      type: 'select',
      required: true,
      default: 'pattern',
      options: ['key', 'value', 'pattern'],
      description: 'what to replace',
    },
    ensureAscii,
  ],
  invoke(params) {
    const bad = missing(params, ['content', 'query', 'replace_value', 'replace_model']);
    if (bad) return bad;
    const model = str(params, 'replace_model');
    if (model === 'pattern' && !str(params, 'replace_pattern')) return textOutput('Invalid parameter replace_pattern');
    if (!['pattern', 'key', 'value'].includes(model)) return textOutput('Invalid parameter replace_model');
    return withDocument(params, (doc, root) => {
      const decode = asBool(params.value_decode, false);
      let replacement: unknown = str(params, 'replace_value');
      const matches = findJsonPath(doc, parseJsonPath(str(params, 'query')));
      if (model === 'value' && decode) {
        try {
          replacement = JSON.parse(replacement as string);
        } catch {
          return 'Cannot decode replace value to json object';
        }
      }
      for (const m of matches) {
        if (model === 'key') {
          if (m.parent && !Array.isArray(m.parent) && typeof m.key === 'string') {
            const v = m.parent[m.key];
            delete m.parent[m.key];
            m.parent[replacement as string] = v;
          }
          continue;
        }
        if (model === 'value') {
          setAt(m, replacement, root);
          continue;
        }
        if (typeof m.value !== 'string')
          throw new Error(`cannot replace a pattern in a ${m.value === null ? 'null' : typeof m.value} value`);
        let next: unknown = m.value.split(str(params, 'replace_pattern')).join(replacement as string);
        if (decode) {
          try {
            next = JSON.parse(next as string);
          } catch {
            return 'Cannot decode replace value to json object';
          }
        }
        setAt(m, next, root);
      }
      return pythonJsonDumps(root.doc, asBool(params.ensure_ascii, true));
    });
  },
};

const del: BuiltinTool = {
  name: 'json_delete',
  label: 'JSON Delete',
  description: 'Deletes what a JSONPath query selects.',
  parameters: [content, query, ensureAscii],
  invoke(params) {
    const bad = missing(params, ['content', 'query']);
    if (bad) return bad;
    return withDocument(params, (doc) => {
      const matches = findJsonPath(doc, parseJsonPath(str(params, 'query')));
      // array items last index first, so earlier indexes stay valid
      const ordered = [...matches].sort((a, b) => (typeof b.key === 'number' ? b.key : -1) - (typeof a.key === 'number' ? a.key : -1));
      for (const m of ordered) {
        if (Array.isArray(m.parent)) m.parent.splice(m.key as number, 1);
        else if (m.parent) delete m.parent[m.key as string];
      }
      return pythonJsonDumps(doc, asBool(params.ensure_ascii, true));
    });
  },
};

export const jsonProcessToolProvider: BuiltinToolProvider = {
  id: 'json_process',
  aliases: ['langgenius/json_process/json_process'],
  label: 'JSON Process',
  tools: [parse, insert, replace, del],
};
