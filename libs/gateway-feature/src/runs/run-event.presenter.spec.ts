import { messageReplaceOf, textReplaceOf, type RunEvent } from '@shoal/contracts';
import { presentRunEvent } from './run-event.presenter';

const envelope = { workflow_run_id: 'run_1', task_id: 'run_1', sequence: 7, timestamp: 1_700_000_000_000 };

describe('presentRunEvent', () => {
  it("puts a chat message's fields at the top level, as Dify's chat-messages stream does", () => {
    const e: RunEvent = {
      ...envelope,
      event: 'message',
      data: {
        id: 'msg_1',
        message_id: 'msg_1',
        conversation_id: 'conv_1',
        answer: 'Hi',
        from_variable_selector: ['a', 'answer'],
        created_at: 1,
      },
    };
    expect(presentRunEvent(e)).toEqual({
      ...envelope,
      event: 'message',
      id: 'msg_1',
      message_id: 'msg_1',
      conversation_id: 'conv_1',
      answer: 'Hi',
      from_variable_selector: ['a', 'answer'],
      created_at: 1,
    });
  });

  it("puts a message_replace's answer at the top level, as Dify's chat-messages stream does", () => {
    const e: RunEvent = {
      ...envelope,
      ...messageReplaceOf({ id: 'msg_1', message_id: 'msg_1', conversation_id: 'conv_1', created_at: 1 }, 'Hello'),
    } as RunEvent;
    expect(presentRunEvent(e)).toEqual({
      ...envelope,
      event: 'message_replace',
      id: 'msg_1',
      message_id: 'msg_1',
      conversation_id: 'conv_1',
      answer: 'Hello',
      reason: 'resumed',
      created_at: 1,
    });
  });

  it('keeps workflow events as they are, fields under data', () => {
    const e: RunEvent = { ...envelope, event: 'text_chunk', data: { text: 'Hi', from_variable_selector: ['llm', 'text'] } };
    expect(presentRunEvent(e)).toBe(e);
    const replace: RunEvent = { ...envelope, ...textReplaceOf('Hello') } as RunEvent;
    expect(presentRunEvent(replace)).toEqual({ ...envelope, event: 'text_replace', data: { text: 'Hello' } });
  });
});
