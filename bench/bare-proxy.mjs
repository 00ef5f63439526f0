#!/usr/bin/env node
// The floor of the chat benchmark: the least a Node process can do between a client and the
// provider. node:http in, one pooled keep-alive undici client out (its dispatch API), the request's
// bytes forwarded and the answer's bytes written back as they come. No auth, no routing, no metering, no body parse, no error shapes:
// nothing a gateway could be used for. bench/run.mjs measures it beside Portkey and Shoal, so that a
// ratio can be read against the most any Node gateway can reach on the same cores.
// Usage: node bench/bare-proxy.mjs <port> <upstream origin, e.g. http://127.0.0.1:4000>
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

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
    // undici's own dispatch, the answer's chunks written on as they come (paused while the client's
    // socket is full): no response stream between the two, the leanest way undici offers
    let started = false;
    let controller;
    res.once('close', () => {
      if (!res.writableFinished) controller?.abort(new Error('client gone'));
    });
    pool.dispatch(
      {
        method: 'POST',
        path: req.url,
        headers: { 'content-type': 'application/json' },
        body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
      },
      {
        onRequestStart(c) {
          controller = c;
        },
        onResponseStart(_c, statusCode, headers) {
          started = true;
          res.writeHead(statusCode, { 'content-type': headers['content-type'] ?? 'application/json' });
        },
        onResponseData(c, chunk) {
          if (!res.write(chunk)) {
            c.pause();
            res.once('drain', () => c.resume());
          }
        },
        onResponseEnd() {
          res.end();
        },
        onResponseError() {
          if (!started) res.writeHead(502).end();
          else res.destroy();
        },
      },
    );
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`bare proxy ready on ${port}\n`));
const stop = () => server.close(() => pool.close().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
