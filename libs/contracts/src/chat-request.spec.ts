import { chatCompletionRequestSchema } from './chat-request';

const base = { model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] };
const issue = (extra: Record<string, unknown>) => {
  const r = chatCompletionRequestSchema.safeParse({ ...base, ...extra });
  return r.success ? undefined : { path: r.error.issues[0].path.join('.'), message: r.error.issues[0].message };
};

describe('chatCompletionRequestSchema', () => {
  it('accepts the ranges providers accept, nulls, and unknown fields', () => {
    expect(
      issue({ temperature: 0, top_p: 1, presence_penalty: -2, frequency_penalty: 2, max_tokens: 1, max_completion_tokens: 4096, n: 1 }),
    ).toBeUndefined();
    expect(issue({ temperature: 2, top_p: 0, presence_penalty: null, n: null, logprobs: true, tools: [] })).toBeUndefined();
  });

  it.each([
    [{ temperature: 2.5 }, 'temperature', 'must be between 0 and 2'],
    [{ temperature: -0.1 }, 'temperature', 'must be between 0 and 2'],
    [{ top_p: 1.01 }, 'top_p', 'must be between 0 and 1'],
    [{ presence_penalty: -3 }, 'presence_penalty', 'must be between -2 and 2'],
    [{ frequency_penalty: 2.1 }, 'frequency_penalty', 'must be between -2 and 2'],
    [{ max_tokens: 0 }, 'max_tokens', 'must be a positive integer'],
    [{ max_tokens: 1.5 }, 'max_tokens', 'must be an integer'],
    [{ max_completion_tokens: -1 }, 'max_completion_tokens', 'must be a positive integer'],
    [{ n: 2 }, 'n', 'must be 1: Shoal returns one choice per request'],
    [{ n: 0 }, 'n', 'must be 1'],
    [{ temperature: '1' }, 'temperature', 'Invalid input: expected number, received string'],
  ])('refuses %j naming %s', (extra, path, message) => {
    expect(issue(extra)).toEqual({ path, message });
  });
});
