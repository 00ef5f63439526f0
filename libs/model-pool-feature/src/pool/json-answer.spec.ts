import { Readable } from 'node:stream';
import { MalformedProviderAnswerError, readJsonAnswer } from './json-answer';

const answerOf = (body: Readable) => readJsonAnswer({ status: 200, headers: {}, body });

describe('readJsonAnswer', () => {
  it('reads an answer sent in several chunks, and keeps its bytes as they came', async () => {
    const text = JSON.stringify({ id: 'chatcmpl-1', model: 'm', choices: [{ message: { content: 'héllo' } }] });
    const bytes = Buffer.from(text);
    const answer = await answerOf(Readable.from([bytes.subarray(0, 7), bytes.subarray(7, 30), bytes.subarray(30)]));
    expect(answer.bytes.equals(bytes)).toBe(true);
    expect(answer.parsed).toEqual(JSON.parse(text));
  });

  it('fails an answer that breaks off before its end (the socket closed mid-body)', async () => {
    // the first part is there; the rest never comes, then the socket closes
    const body = new Readable({ read: () => undefined });
    body.push('{"id":"chatcmpl-1","choi');
    setImmediate(() => body.destroy());
    await expect(answerOf(body)).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('fails an answer that is not JSON, or not a JSON object, as a malformed provider answer', async () => {
    await expect(answerOf(Readable.from([Buffer.from('<html>bad gateway</html>')]))).rejects.toBeInstanceOf(MalformedProviderAnswerError);
    await expect(answerOf(Readable.from([Buffer.from('[1,2]')]))).rejects.toBeInstanceOf(MalformedProviderAnswerError);
  });

  it('stops reading an answer past its bound, and destroys the body instead of reading it to the end', async () => {
    const mb = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    let closed = false;
    const body = Readable.from(
      (function* () {
        try {
          for (; sent < 1000; sent++) yield mb;
        } finally {
          closed = true;
        }
      })(),
    );
    await expect(answerOf(body)).rejects.toThrow(/larger than/);
    expect(sent).toBeLessThan(70);
    expect(closed).toBe(true);
  });
});
