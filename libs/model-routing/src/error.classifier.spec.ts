import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { classifyProviderError, parseRetryAfter } from './error.classifier';

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const classify = (e: unknown) => classifyProviderError(e, { now: () => NOW });

describe('classifyProviderError', () => {
  it.each([
    // DeepSeek's documented codes
    [
      'DeepSeek 400 invalid format',
      { status: 400, message: 'Invalid request body' },
      { kind: 'bad_request', failover: false, cooldownMs: 0, clientStatus: 400 },
    ],
    [
      'DeepSeek 401 authentication',
      { status: 401, message: 'Authentication Fails' },
      { kind: 'auth', failover: true, cooldownMs: 300_000, clientStatus: 502 },
    ],
    [
      'DeepSeek 402 insufficient balance',
      { status: 402, message: 'Insufficient Balance' },
      { kind: 'insufficient_balance', failover: true, cooldownMs: 300_000, clientStatus: 502 },
    ],
    [
      'DeepSeek 422 invalid parameters',
      { status: 422, message: 'Invalid Parameters' },
      { kind: 'bad_request', failover: false, cooldownMs: 0, clientStatus: 422 },
    ],
    [
      'DeepSeek 429 rate limit',
      { status: 429, message: 'Rate Limit Reached' },
      { kind: 'rate_limited', failover: true, cooldownMs: 5_000, clientStatus: 429 },
    ],
    [
      'DeepSeek 500 server error',
      { status: 500, message: 'Server Error' },
      { kind: 'server_error', failover: true, cooldownMs: 10_000, clientStatus: 502 },
    ],
    [
      'DeepSeek 503 overloaded',
      { status: 503, message: 'Server Overloaded' },
      { kind: 'overloaded', failover: true, cooldownMs: 10_000, clientStatus: 503 },
    ],
    [
      'DeepSeek over-long prompt (a plain 400)',
      { status: 400, message: "This model's maximum context length is 65536 tokens. However, you requested 70000 tokens" },
      { kind: 'context_length', failover: false, clientStatus: 400 },
    ],
    [
      'DeepSeek content risk',
      { status: 400, message: 'Content Exists Risk' },
      { kind: 'content_filter', failover: false, clientStatus: 400 },
    ],
    // OpenAI's codes
    [
      'OpenAI context_length_exceeded',
      { status: 400, code: 'context_length_exceeded', type: 'invalid_request_error' },
      { kind: 'context_length', failover: false, clientStatus: 400 },
    ],
    [
      'OpenAI insufficient_quota (a 429 that is billing)',
      { status: 429, code: 'insufficient_quota', type: 'insufficient_quota' },
      { kind: 'insufficient_balance', failover: true, cooldownMs: 300_000, clientStatus: 502 },
    ],
    [
      'OpenAI rate_limit_exceeded',
      { status: 429, code: 'rate_limit_exceeded', type: 'requests' },
      { kind: 'rate_limited', failover: true, clientStatus: 429 },
    ],
    ['OpenAI content_policy_violation', { status: 400, code: 'content_policy_violation' }, { kind: 'content_filter', failover: false }],
    ['403 forbidden', { status: 403 }, { kind: 'auth', failover: true }],
    [
      '404 unknown upstream model',
      { status: 404, code: 'model_not_found' },
      { kind: 'not_found', failover: true, cooldownMs: 300_000, clientStatus: 502 },
    ],
    ['408 request timeout', { status: 408 }, { kind: 'timeout', failover: true, clientStatus: 504 }],
    ['502 bad gateway', { status: 502 }, { kind: 'server_error', failover: true }],
    ['504 gateway timeout', { status: 504 }, { kind: 'timeout', failover: true, clientStatus: 504 }],
    ['529 overloaded', { status: 529 }, { kind: 'overloaded', failover: true }],
    ['413 payload too large', { status: 413 }, { kind: 'bad_request', failover: false, clientStatus: 413 }],
    // No HTTP answer at all
    ['a socket timeout', { code: 'ETIMEDOUT' }, { kind: 'timeout', failover: true }],
    [
      'fetch failed, connection refused underneath',
      Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }),
      { kind: 'connection', failover: true, clientStatus: 502 },
    ],
    [
      'an AbortSignal.timeout',
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
      { kind: 'timeout', failover: true },
    ],
    ['a plain Error', new Error('something odd'), { kind: 'unknown', failover: true, clientStatus: 500 }],
    ['garbage', 42, { kind: 'unknown', failover: true }],
    ['null', null, { kind: 'unknown', failover: true }],
  ])('%s', (_case, error, expected) => {
    expect(classify(error)).toMatchObject(expected);
  });

  it('reads the openai SDK errors as thrown', () => {
    const headers = new Headers({ 'retry-after': '3' });
    expect(
      classify(
        APIError.generate(429, { error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' } }, undefined, headers),
      ),
    ).toMatchObject({ kind: 'insufficient_balance', upstreamStatus: 429 });
    expect(
      classify(
        APIError.generate(429, { error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } }, undefined, headers),
      ),
    ).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_000, cooldownMs: 3_000 });
    expect(classify(new APIConnectionTimeoutError())).toMatchObject({ kind: 'timeout' });
    expect(classify(new APIUserAbortError())).toMatchObject({ kind: 'timeout' });
    expect(classify(new APIConnectionError({ cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }))).toMatchObject({
      kind: 'connection',
    });
  });

  it('honours Retry-After in seconds', () => {
    expect(classify({ status: 429, headers: { 'Retry-After': '7' } })).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 7_000,
      cooldownMs: 7_000,
    });
  });

  it('honours Retry-After as an HTTP date', () => {
    const at = new Date(NOW + 12_000).toUTCString();
    expect(classify({ status: 429, headers: { 'retry-after': at } })).toMatchObject({ retryAfterMs: 12_000, cooldownMs: 12_000 });
  });

  it('prefers retry-after-ms', () => {
    expect(classify({ status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '2' } })).toMatchObject({
      retryAfterMs: 1_500,
      cooldownMs: 1_500,
    });
  });

  it("caps the cooldown at a minute but passes the provider's own Retry-After on", () => {
    expect(classify({ status: 429, headers: { 'retry-after': '3600' } })).toMatchObject({ retryAfterMs: 3_600_000, cooldownMs: 60_000 });
  });

  it('floors a Retry-After of 0, which would invite a 429 storm', () => {
    expect(classify({ status: 429, headers: { 'retry-after': '0' } })).toMatchObject({ retryAfterMs: 0, cooldownMs: 1_000 });
  });

  it('honours Retry-After on a 503 too', () => {
    expect(classify({ status: 503, headers: { 'retry-after': '4' } })).toMatchObject({
      kind: 'overloaded',
      retryAfterMs: 4_000,
      cooldownMs: 4_000,
    });
  });

  it('ignores an unreadable Retry-After', () => {
    const failure = classify({ status: 429, headers: { 'retry-after': 'soon' } });
    expect(failure.retryAfterMs).toBeUndefined();
    expect(failure.cooldownMs).toBe(5_000);
  });

  it('takes the cooldowns from the policy given', () => {
    expect(classifyProviderError({ status: 401 }, { policy: { authCooldownMs: 42 } }).cooldownMs).toBe(42);
  });

  it("says an upstream validation error once, with the provider's param (the SDK's message repeats the body's)", () => {
    const err = APIError.generate(
      400,
      {
        error: {
          message: "Invalid 'temperature': decimal above maximum value.",
          type: 'invalid_request_error',
          param: 'temperature',
          code: 'decimal_above_max_value',
        },
      },
      undefined,
      new Headers(),
    );
    const failure = classify(err);
    expect(failure).toMatchObject({ kind: 'bad_request', failover: false, clientStatus: 400, param: 'temperature' });
    expect(failure.message).toBe("Invalid 'temperature': decimal above maximum value.");
  });

  it('keeps distinct messages of a cause chain', () => {
    const err = Object.assign(new Error('Connection error.'), {
      cause: Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } }),
    });
    expect(classify(err).message).toBe('Connection error. | fetch failed | connect ECONNREFUSED');
  });

  it('keeps the provider message for logs, with keys redacted', () => {
    const failure = classify({ status: 401, message: 'Incorrect API key provided: sk-abcd1234********wxyz.' });
    expect(failure.message).toBe('Incorrect API key provided: [redacted].');
  });
});

describe('parseRetryAfter', () => {
  it('reads a fetch Headers object and a past date as 0', () => {
    expect(parseRetryAfter(new Headers({ 'Retry-After': '1.5' }), NOW)).toBe(1_500);
    expect(parseRetryAfter({ 'retry-after': new Date(NOW - 5_000).toUTCString() }, NOW)).toBe(0);
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});
