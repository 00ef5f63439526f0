import type { Deployment } from '@shoal/model-routing';
import { StreamedAttemptUsage } from './streamed-usage';
import type { MeteredAttempt } from './usage.emitter';

// priced at one unit a token, so a cost shows which tokens it covered
const meter = {
  price: (u: { totalTokens: number }) => ({ input: '0', output: '0', total: String(u.totalTokens), currency: 'USD' }),
} as unknown as MeteredAttempt;
const deployment = { id: 'dep_a', provider: 'openai-compatible' } as Deployment;
// 40 characters: an estimated prompt of 10 tokens
const messages = [{ role: 'user', content: 'x'.repeat(40) }];
const reported = (prompt: number, completion: number) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

function attempt(): StreamedAttemptUsage {
  const usage = new StreamedAttemptUsage(messages);
  usage.begin(meter, deployment);
  return usage;
}

it("prices the provider's usage as it comes, and bills it as reported", () => {
  const usage = attempt();
  expect(usage.reported(reported(7, 3))?.total).toBe('10');
  expect(usage.providerReported).toBe(true);
  expect(usage.billed(99)).toMatchObject({ usage: { promptTokens: 7, completionTokens: 3 }, estimated: false, cost: { total: '10' } });
});

it('estimates a stream that sent no usage: the prompt, and a token a content chunk', () => {
  expect(attempt().billed(4)).toEqual({
    usage: expect.objectContaining({ promptTokens: 10, completionTokens: 4, totalTokens: 14 }),
    estimated: true,
  });
});

it('adds a blank answer asked again to what the next stream reports, in the cost a run learns too', () => {
  const usage = attempt();
  usage.reported(reported(7, 1));
  expect(usage.askedAgain(1)).toMatchObject({ usage: { promptTokens: 7, completionTokens: 1 }, estimated: false });
  expect(usage.providerReported).toBe(false);
  expect(usage.reported(reported(7, 5))?.total).toBe('20');
  expect(usage.billed(5)).toMatchObject({
    usage: { promptTokens: 14, completionTokens: 6, totalTokens: 20 },
    estimated: false,
    cost: { total: '20' },
  });
});

it('flags the sum estimated when either stream sent no usage', () => {
  const blankUnreported = attempt();
  blankUnreported.askedAgain(2);
  blankUnreported.reported(reported(7, 5));
  expect(blankUnreported.billed(5)).toMatchObject({ usage: { promptTokens: 17, completionTokens: 7 }, estimated: true });

  const secondUnreported = attempt();
  secondUnreported.reported(reported(7, 0));
  secondUnreported.askedAgain(0);
  expect(secondUnreported.billed(3)).toEqual({
    usage: expect.objectContaining({ promptTokens: 17, completionTokens: 3 }),
    estimated: true,
  });
});

it('forgets the last attempt when the next begins (a failover is billed on its own)', () => {
  const usage = attempt();
  usage.reported(reported(7, 1));
  usage.askedAgain(1);
  usage.begin(meter, deployment);
  expect(usage.providerReported).toBe(false);
  expect(usage.billed(0).usage).toMatchObject({ promptTokens: 10, completionTokens: 0 });
});

it('prices nothing before an attempt begins', () => {
  expect(new StreamedAttemptUsage(messages).reported(reported(1, 1))).toBeUndefined();
});
