// Runs a service entry point (BENCH_ENTRY) with every Postgres statement and Redis command it sends
// written to BENCH_TRACE_FILE (one JSON line each: wall-clock start and end in ms, the process, the
// statement's first words or the command's name), for bench/runs.mjs --trace to lay one run's
// timeline out. Patches node-postgres' and ioredis' prototypes from outside; the service is unchanged.
// SIGUSR2 exits normally (as bench/profiled-entry.cjs), so that --cpu-prof can write its profile too.
const { appendFileSync } = require('node:fs');

process.once('SIGUSR2', () => process.exit(0));
const file = process.env.BENCH_TRACE_FILE;
const who = process.env.BENCH_TRACE_NAME ?? String(process.pid);
const now = () => performance.timeOrigin + performance.now();
let lines = [];
const flush = () => {
  if (lines.length) appendFileSync(file, lines.join(''));
  lines = [];
};
setInterval(flush, 200).unref();
process.once('exit', flush);
const record = (kind, what, start) => lines.push(`${JSON.stringify({ p: who, k: kind, w: what, s: start, e: now() })}\n`);

const pg = require('pg');
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
  const text = typeof config === 'string' ? config : (config?.text ?? '');
  const start = now();
  const out = query.call(this, config, values, callback);
  const what = text.replace(/\s+/g, ' ').slice(0, 160);
  if (out && typeof out.then === 'function')
    out.then(
      () => record('pg', what, start),
      () => record('pg', what, start),
    );
  else record('pg', what, start);
  return out;
};

const { Redis } = require('ioredis');
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (command, stream, node) {
  const start = now();
  const out = sendCommand.call(this, command, stream, node);
  const name = command?.name ?? '?';
  // blocking reads and subscriptions wait by design: their span says when they returned
  const done = () => record('redis', name, start);
  if (command?.promise) command.promise.then(done, done);
  return out;
};

require(process.env.BENCH_ENTRY);
