import { isInfrastructureError } from './infrastructure-error';
import { toApiError } from './api-error';
import { FileStoreError } from '../files/s3.file-store';

describe('isInfrastructureError', () => {
  it.each([
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a Postgres shutdown', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['Prisma cannot reach the database', Object.assign(new Error('x'), { code: 'P1001' })],
    ['the pg adapter, nested', Object.assign(new Error('DriverAdapterError'), { cause: { kind: 'DatabaseNotReachable' } })],
    ['pg, connection terminated', new Error('Connection terminated unexpectedly')],
    [
      'ioredis giving up',
      Object.assign(new Error('Reached the max retries per request limit (which is 1)'), { name: 'MaxRetriesPerRequestError' }),
    ],
    ['a cause three levels down', { message: 'a', cause: { message: 'b', cause: { code: 'ECONNRESET' } } }],
    [
      'a file bucket that does not answer',
      new FileStoreError('the S3 bucket answered GetObject with InternalError (500)', 'FileStoreUnavailable'),
    ],
  ])('says yes to %s', (_what, err) => expect(isInfrastructureError(err)).toBe(true));

  it.each([
    ['a unique violation', Object.assign(new Error('Unique constraint failed'), { code: 'P2002' })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['nothing', undefined],
    ['a string', 'ECONNREFUSED'],
    [
      'a file bucket that refuses the request',
      new FileStoreError('the S3 bucket answered PutObject with AccessDenied (403)', 'FileStoreFailed'),
    ],
  ])('says no to %s', (_what, err) => expect(isInfrastructureError(err)).toBe(false));

  it('makes an outage a 503 upstream_unavailable with Retry-After, never a 500', () => {
    const api = toApiError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(api).toMatchObject({ code: 'upstream_unavailable', status: 503, opts: { retryAfterSeconds: expect.any(Number) } });
    expect(toApiError(new TypeError('bug'))).toMatchObject({ code: 'internal_error', status: 500 });
  });
});
