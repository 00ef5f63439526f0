// What standalone mode prints once it is ready: where it runs, the key (in full only on the start
// that created it) and commands that work as printed.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "banner", {
    enumerable: true,
    get: function() {
        return banner;
    }
});
const _platform = require("../../../../libs/platform/src");
const shellQuote = (s)=>`'${s.replace(/'/g, `'\\''`)}'`;
function keyLines(admin) {
    const prefix = `${(0, _platform.displayPrefix)(admin.key)}…`;
    switch(admin.source.kind){
        case 'created':
            return {
                line: `  API key:  ${admin.key}\n            (shown in full this once; kept in ${admin.source.file}, mode 0600)`,
                shellValue: `"$(cat ${shellQuote(admin.source.file)})"`
            };
        case 'file':
            return {
                line: `  API key:  ${prefix}   (kept in ${admin.source.file}, mode 0600)`,
                shellValue: `"$(cat ${shellQuote(admin.source.file)})"`
            };
        case 'env':
            return {
                line: `  API key:  ${prefix}   (SHOAL_BOOTSTRAP_KEY)`,
                shellValue: '"$SHOAL_BOOTSTRAP_KEY"'
            };
    }
}
function banner(b) {
    const key = keyLines(b.admin);
    return [
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
        ''
    ].join('\n') + '\n';
}

//# sourceMappingURL=banner.js.map