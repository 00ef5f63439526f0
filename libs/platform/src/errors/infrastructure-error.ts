// Whether an error means "a dependency is unreachable right now" (Postgres, Redis or the file bucket stopped, a
// connection reset, a pool that cannot connect) rather than "this request or this run is wrong".
// The first kind is answered 503 with Retry-After and waited out by workers; the second is not.

// Node's socket errors, Postgres' connection-class SQLSTATEs (08xxx, 57P01-03: the server shutting
// down), Prisma's "cannot reach / connection closed / pool timeout", ioredis' give-ups
const CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  'P1001',
  'P1002',
  'P1017',
  'P2024',
]);
const MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Can't reach database server|Server has closed the connection|Connection is closed|Reached the max retries per request limit|Stream isn't writeable|Command timed out|connect ECONNREFUSED|read ECONNRESET|the database system is (?:shutting down|starting up)/i;
// @prisma/adapter-pg's names for a socket that could not connect or was closed under it; the file
// store's for a bucket that does not answer (or answers 5xx / SlowDown)
const KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'FileStoreUnavailable']);
const MAX_DEPTH = 6;

export function isInfrastructureError(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < MAX_DEPTH && e && typeof e === 'object'; depth++) {
    const o = e as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      originalCode?: unknown;
      name?: unknown;
      kind?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    if (typeof o.kind === 'string' && KINDS.has(o.kind)) return true;
    if (typeof o.code === 'string' && CODES.has(o.code)) return true;
    if (typeof o.originalCode === 'string' && CODES.has(o.originalCode)) return true;
    if (o.name === 'MaxRetriesPerRequestError') return true;
    if (typeof o.message === 'string' && MESSAGES.test(o.message)) return true;
    e = o.cause ?? o.meta?.driverAdapterError;
  }
  return false;
}
