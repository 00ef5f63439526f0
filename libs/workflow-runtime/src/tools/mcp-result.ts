// Dify's reading of MCP tool calls (MCPTool): empty arguments dropped, a text that is a JSON object (or
// a list of objects) becomes json, structured content becomes variables, an error result fails the node.
// Pure, so the app that makes the call and the tests share it.
import type { ToolCallOutput } from '../ports';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The arguments to send: null and blank ones dropped (Dify's _handle_none_parameter), text cast to the
 * type the tool's input schema declares for it (number, integer, boolean, object, array).
 */
export function mcpArguments(
  params: Readonly<Record<string, unknown>>,
  inputSchema?: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const props = isObject(inputSchema?.properties) ? inputSchema.properties : {};
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) continue;
    const prop = props[name];
    const type = isObject(prop) ? prop.type : undefined;
    out[name] = typeof value === 'string' && typeof type === 'string' ? castText(value, type) : value;
  }
  return out;
}

function castText(text: string, type: string): unknown {
  const t = text.trim();
  switch (type) {
    case 'number':
    case 'integer': {
      const n = Number(t);
      return t !== '' && Number.isFinite(n) ? n : text;
    }
    case 'boolean':
      return t === 'true' ? true : t === 'false' ? false : text;
    case 'object':
    case 'array':
      try {
        const v: unknown = JSON.parse(t);
        return (type === 'array' ? Array.isArray(v) : isObject(v)) ? v : text;
      } catch {
        return text;
      }
    default:
      return text;
  }
}

export interface McpResultLike {
  content: ReadonlyArray<Record<string, unknown>>;
  structuredContent?: Record<string, unknown>;
  isError: boolean;
}

/** An MCP error result: the node's error is the tool's text. */
export class McpToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInvokeError';
  }
}

export function mcpResultToOutput(result: McpResultLike): ToolCallOutput {
  const out: ToolCallOutput = { text: '', json: [], files: [] };
  const texts: string[] = [];
  for (const item of result.content) {
    if (item.type === 'text' && typeof item.text === 'string') readText(item.text, out, texts);
    else if (item.type === 'resource' && isObject(item.resource) && typeof item.resource.text === 'string') texts.push(item.resource.text);
    // images, audio and binary resources would be files: Shoal has no tool-file store yet, so they are not kept
  }
  out.text = texts.join('');
  if (result.isError) throw new McpToolError(out.text || 'the MCP tool returned an error');
  if (result.structuredContent && isObject(result.structuredContent)) out.variables = { ...result.structuredContent };
  return out;
}

function readText(text: string, out: ToolCallOutput, texts: string[]): void {
  const t = text.trim();
  if (t && (t[0] === '{' || t[0] === '[') && (t.endsWith('}') || t.endsWith(']'))) {
    try {
      const v: unknown = JSON.parse(t);
      if (isObject(v)) return void out.json.push(v);
      if (Array.isArray(v) && v.every(isObject)) return void out.json.push(...(v as Array<Record<string, unknown>>));
    } catch {
      // not JSON: plain text
    }
  }
  texts.push(text);
}
