import { classifyProviderError } from '../error.classifier';
import { retiredModelOf, upstreamModelOf } from './deepseek.models';

const deepseekError = (status: number, message = 'x', headers: Record<string, string> = {}) => ({
  status,
  headers,
  error: { message },
  provider: 'deepseek',
});

describe("DeepSeek's error codes", () => {
  it.each([
    [400, 'bad_request', false, 400, 'Invalid Format'],
    [401, 'auth', true, 502, 'Authentication Fails'],
    [402, 'insufficient_balance', true, 502, 'Insufficient Balance'],
    [422, 'bad_request', false, 400, 'Invalid Parameters'],
    [429, 'rate_limited', true, 429, 'Rate Limit Reached'],
    [500, 'server_error', true, 502, 'Server Error'],
    [503, 'overloaded', true, 503, 'Server Overloaded'],
  ])('%i is %s (failover %s), answered %i, named "%s"', (status, kind, failover, clientStatus, meaning) => {
    const f = classifyProviderError(deepseekError(status, 'details'));
    expect(f).toMatchObject({ kind, failover, clientStatus, upstreamStatus: status });
    expect(f.message).toBe(`DeepSeek ${status} ${meaning}: details`);
  });

  it('still tells an over-long prompt apart in a 400 by its message', () => {
    const f = classifyProviderError(deepseekError(400, "This model's maximum context length is 1000000 tokens"));
    expect(f).toMatchObject({ kind: 'context_length', failover: false, clientStatus: 400 });
  });

  it('cools a 429 down for its Retry-After', () => {
    expect(classifyProviderError(deepseekError(429, 'busy', { 'retry-after': '7' })).cooldownMs).toBe(7000);
  });

  it('the provider can come from the options when the error does not carry it', () => {
    const f = classifyProviderError({ status: 422, error: { message: 'bad' } }, { provider: 'deepseek' });
    expect(f.clientStatus).toBe(400);
  });
});

describe('retired DeepSeek names', () => {
  it('flags a deployment that still names one, and sends (and prices) the current model', () => {
    const d = { provider: 'deepseek' as const, upstreamModel: 'deepseek-reasoner' };
    expect(retiredModelOf(d)).toMatchObject({ servedAs: 'deepseek-flash', upstream: 'rejected', since: '2026-07-24' });
    expect(upstreamModelOf(d)).toBe('deepseek-flash');
    expect(retiredModelOf({ provider: 'deepseek', upstreamModel: 'deepseek-flash' })).toBeUndefined();
    // another provider's model of the same name is not DeepSeek's
    expect(upstreamModelOf({ provider: 'openai-compatible', upstreamModel: 'deepseek-chat' })).toBe('deepseek-chat');
  });
});
