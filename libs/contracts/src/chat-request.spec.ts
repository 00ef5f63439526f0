import { chatCompletionRequestSchema, plainChatCompletionRequest } from './chat-request';
import { expectPlainAgrees } from './testing/schema-agreement';

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

describe('plainChatCompletionRequest', () => {
  const base = () => ({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] as unknown[], temperature: 0.2 });
  const NUMBERS = [-3, -2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 1e300, -Infinity, Infinity, NaN, '1', true, null, undefined];
  const INTS = [-1, 0, 1, 2, 1.5, 2 ** 53, 1e300, '1', null, undefined];
  const MUTATIONS: Record<string, readonly unknown[]> = {
    model: ['', 'm', 7, null, undefined, ['m']],
    messages: [
      [],
      [{ role: 'user', content: 'x' }],
      [{ role: '' }],
      [{ content: 'no role' }],
      [{ role: 7 }],
      [null],
      [['user']],
      [
        { role: 'system', content: 's' },
        { role: 'user', content: [{ type: 'text', text: 'x' }], name: 'n' },
      ],
      'hello',
      {},
      null,
      undefined,
    ],
    stream: [true, false, 'true', 0, null, undefined],
    stream_options: [null, undefined, {}, { include_usage: true }, { include_usage: 'yes' }, { include_usage: null }, [], 'x'],
    temperature: NUMBERS,
    top_p: NUMBERS,
    presence_penalty: NUMBERS,
    frequency_penalty: NUMBERS,
    max_tokens: INTS,
    max_completion_tokens: INTS,
    n: [0, 1, 2, 1.0, '1', null, undefined],
    tools: [[{ type: 'function', function: { name: 'f' } }], undefined],
  };

  it('never passes what the schema refuses, and passes the rest as the schema parses it', () => {
    const { plain, refused } = expectPlainAgrees({
      schema: chatCompletionRequestSchema,
      plain: plainChatCompletionRequest,
      base,
      mutations: MUTATIONS,
      seed: 20261202,
    });
    expect(Math.min(plain, refused)).toBeGreaterThan(2_000);
  });
});
