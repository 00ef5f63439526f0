import { isBlankAnswer } from './blank-json-answer';

const answer = (message: unknown) => ({ choices: [{ index: 0, message }] });

describe('isBlankAnswer', () => {
  it.each([
    ['empty content', answer({ role: 'assistant', content: '' }), true],
    ['whitespace only', answer({ role: 'assistant', content: ' \n\t' }), true],
    ['null content', answer({ role: 'assistant', content: null }), true],
    ['no choices', { choices: [] }, true],
    ['a JSON object', answer({ role: 'assistant', content: '{"a":1}' }), false],
    ['only reasoning, no content', answer({ role: 'assistant', content: '', reasoning_content: 'hmm' }), true],
    ['tool calls instead of content', answer({ role: 'assistant', content: null, tool_calls: [{ id: 'c' }] }), false],
  ])('%s: %s', (_what, parsed, blank) => {
    expect(isBlankAnswer(parsed)).toBe(blank);
  });
});
