// Portkey's OSS gateway as every benchmark runs it: its own start script, kept on 127.0.0.1 by
// bench/portkey-loopback.mjs, and the headers that send a chat through it to an OpenAI-compatible host.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What to spawn (node's arguments and environment) and the line that says it is ready. */
export function portkeyProcess(port) {
  return {
    args: [
      '--import',
      path.join(benchDir, 'portkey-loopback.mjs'),
      require.resolve('@portkey-ai/gateway/build/start-server.js'),
      `--port=${port}`,
      '--headless',
    ],
    env: { NODE_ENV: 'production' },
    ready: /Ready for connections/,
  };
}

/** A chat sent through Portkey to `hostUrl` (an OpenAI-compatible base URL, the mock provider's). */
export function portkeyChatHeaders(hostUrl) {
  return {
    'content-type': 'application/json',
    authorization: 'Bearer mock',
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': hostUrl,
  };
}
