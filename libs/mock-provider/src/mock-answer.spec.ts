import { mockAnswer, mockTokenCount, mockUsageFor, mockWordPieces } from './mock-answer';

describe('mock answer rules', () => {
  it('counts maximal runs of non-whitespace as tokens', () => {
    expect(mockTokenCount('a  b\nc')).toBe(3);
    expect(mockTokenCount('  \n\t ')).toBe(0);
    expect(mockTokenCount('héllo,world! 🙂')).toBe(2);
  });

  it('answers the last user message verbatim after a fixed prefix', () => {
    const usage = mockUsageFor([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'second  question\nhere' },
    ]);
    expect(usage.answer).toBe(mockAnswer('second  question\nhere'));
    expect(usage.answer).toBe('Mock answer: second  question\nhere');
    expect(usage).toMatchObject({ prompt_tokens: 2 + 2 + 2 + 3, completion_tokens: 5, total_tokens: 14, finish_reason: 'stop' });
  });

  it('counts the text parts of array content and ignores the other parts', () => {
    const usage = mockUsageFor([
      { role: 'user', content: [{ type: 'text', text: 'look at' }, { type: 'image_url' }, { type: 'text', text: 'this' }] },
    ]);
    expect(usage.answer).toBe('Mock answer: look at\nthis');
    expect(usage.prompt_tokens).toBe(3);
    expect(usage.completion_tokens).toBe(5);
  });

  it('truncates to max tokens words and reports finish_reason length', () => {
    const usage = mockUsageFor([{ role: 'user', content: 'one two three' }], 3);
    expect(usage).toMatchObject({ answer: 'Mock answer: one', completion_tokens: 3, finish_reason: 'length' });
    expect(mockUsageFor([{ role: 'user', content: 'one two three' }], 5).finish_reason).toBe('stop');
  });

  it('splits text into one piece per word that concatenate back to the text', () => {
    const text = 'Mock answer:  spaced\n\nout  ';
    const pieces = mockWordPieces(text);
    expect(pieces).toHaveLength(mockTokenCount(text));
    expect(pieces.join('')).toBe(text);
  });
});
