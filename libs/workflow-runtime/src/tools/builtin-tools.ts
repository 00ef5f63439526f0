// Every built-in tool provider, found by Dify's id or an alias.
import type { BuiltinTool, BuiltinToolProvider } from './builtin-tool';
import { jsonProcessToolProvider } from './json-process.tools';
import { textToolProvider } from './text.tools';
import { timeToolProvider } from './time.tools';

export const BUILTIN_TOOL_PROVIDERS: readonly BuiltinToolProvider[] = [timeToolProvider, jsonProcessToolProvider, textToolProvider];

const byId = new Map<string, BuiltinToolProvider>();
for (const p of BUILTIN_TOOL_PROVIDERS) for (const id of [p.id, ...p.aliases]) byId.set(id, p);

export function builtinToolProvider(id: string): BuiltinToolProvider | undefined {
  return byId.get(id);
}

export function builtinTool(providerId: string, toolName: string): BuiltinTool | undefined {
  return byId.get(providerId)?.tools.find((t) => t.name === toolName);
}
