// What standalone mode prints once it is ready: where it runs, the key (in full only on the start
// that created it) and commands that work as printed.
import { displayPrefix } from '@shoal/platform';
import type { AdminKey } from './admin-key';

export interface BannerInput {
  url: string;
  readySeconds: number;
  dataDir: string;
  models: string[];
  admin: AdminKey;
  workflowId: string;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function keyLines(admin: AdminKey): { line: string; shellValue: string } {
  const prefix = `${displayPrefix(admin.key)}…`;
  switch (admin.source.kind) {
    case 'created':
      return {
        line: `  API key:  ${admin.key}\n            (shown in full this once; kept in ${admin.source.file}, mode 0600)`,
        shellValue: `"$(cat ${shellQuote(admin.source.file)})"`,
      };
    case 'file':
      return {
        line: `  API key:  ${prefix}   (kept in ${admin.source.file}, mode 0600)`,
        shellValue: `"$(cat ${shellQuote(admin.source.file)})"`,
      };
    case 'env':
      return { line: `  API key:  ${prefix}   (SHOAL_BOOTSTRAP_KEY)`, shellValue: '"$SHOAL_BOOTSTRAP_KEY"' };
  }
}

export function banner(b: BannerInput): string {
  const key = keyLines(b.admin);
  return (
    [
      '',
      `Shoal is running (standalone) at ${b.url}   ready in ${b.readySeconds.toFixed(1)} s`,
      `  data:     ${b.dataDir}`,
      `  models:   ${b.models.join(', ')}   (mock-chat is the built-in mock provider, for trying Shoal out)`,
      key.line,
      '',
      'Run the example workflow:',
      '',
      `  SHOAL_KEY=${key.shellValue}`,
      `  curl -s ${b.url}/v1/workflows/${b.workflowId}/runs \\`,
      `    -H "Authorization: Bearer $SHOAL_KEY" -H 'Content-Type: application/json' \\`,
      `    -d '{"inputs": {"question": "What is Shoal?"}, "response_mode": "blocking"}'`,
      '',
      'Or chat with the OpenAI-compatible API:',
      '',
      `  curl -s ${b.url}/v1/chat/completions -H "Authorization: Bearer $SHOAL_KEY" -H 'Content-Type: application/json' \\`,
      `    -d '{"model": "mock-chat", "messages": [{"role": "user", "content": "Hello"}]}'`,
      '',
    ].join('\n') + '\n'
  );
}
