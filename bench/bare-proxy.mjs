#!/usr/bin/env node
// The floor of the chat benchmark: the least a Node process can do between a client and the
// provider. node:http in, one pooled keep-alive undici client out, the request's bytes forwarded and
// the answer's bytes piped back. No auth, no routing, no metering, no body parse, no error shapes:
// nothing a gateway could be used for. bench/run.mjs measures it beside Portkey and Shoal, so that a
// ratio can be read against the most any Node gateway can reach on the same cores.
// Usage: node bench/bare-proxy.mjs <port> <upstream origin, e.g. http://127.0.0.1:4000>
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';

const require = createRequire(import.meta.url);
const { Pool } = require('undici');

const [port, upstream] = process.argv.slice(2);
if (!port || !upstream) throw new Error('usage: bare-proxy.mjs <port> <upstream origin>');
const pool = new Pool(upstream, { connections: 128, keepAliveTimeout: 30_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
// the mock serves `/v1/chat/completions`; the benchmark calls this proxy on the same path
const MAX_BODY = 1 << 20;

const server = createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => {
    pool
      .request({
        method: 'POST',
        path: req.url,
        headers: { 'content-type': 'application/json' },
        body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
      })
      .then(({ statusCode, headers, body }) => {
        res.writeHead(statusCode, { 'content-type': headers['content-type'] ?? 'application/json' });
        return pipeline(body, res);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`bare proxy ready on ${port}\n`));
const stop = () => server.close(() => pool.close().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
