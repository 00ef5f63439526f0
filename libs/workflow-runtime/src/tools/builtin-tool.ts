// What a built-in tool is: its declared parameters (Dify's names and types) and a pure function.
import type { ToolCallOutput } from '../ports';

export type ToolParameterType = 'string' | 'number' | 'boolean' | 'select';

export interface ToolParameterDeclaration {
  name: string;
  type: ToolParameterType;
  required: boolean;
  default?: string | number | boolean;
  /** The values a `select` accepts. */
  options?: readonly string[];
  description: string;
}

/** What a built-in tool may read besides its parameters. */
export interface BuiltinToolEnv {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface BuiltinTool {
  name: string;
  label: string;
  description: string;
  parameters: readonly ToolParameterDeclaration[];
  /** Throws ToolInvokeError for a failure the node reports; Dify's "soft" failures are text. */
  invoke(params: Readonly<Record<string, unknown>>, env: BuiltinToolEnv): ToolCallOutput;
}

export interface BuiltinToolProvider {
  /** The provider_id Dify writes for its core built-in (`time`). */
  id: string;
  /** Other ids that name it: Dify's plugin ids (`langgenius/json_process/json_process`). */
  aliases: readonly string[];
  label: string;
  tools: readonly BuiltinTool[];
}

/** A tool's own failure (Dify's ToolInvokeError): the node fails with it. */
export class ToolInvokeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInvokeError';
  }
}

export const textOutput = (text: string): ToolCallOutput => ({ text, json: [], files: [] });

/** A parameter as text ('' for absent), as Dify's tools read `tool_parameters.get(name, '')`. */
export function str(params: Readonly<Record<string, unknown>>, name: string): string {
  const v = params[name];
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}
