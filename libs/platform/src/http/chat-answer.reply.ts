// Sends a ChatCompletionsPort answer: a JSON answer as its bytes, a streamed one as SSE pulled no
// faster than the client reads (a reader that stalls is cut, and the provider call with it).
import type { FastifyReply } from 'fastify';
import type { ChatCompletionsAnswer } from '@shoal/contracts';
import { createLogger } from '../logging/logger';
import { SseStream, type SseLimits } from './sse-stream';

const log = createLogger('ChatAnswer');

export async function sendChatAnswer(reply: FastifyReply, answer: ChatCompletionsAnswer, limits: SseLimits): Promise<void> {
  if (answer.kind === 'json') {
    reply
      .status(answer.status)
      .headers(answer.headers)
      .send(Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength));
    return;
  }
  const body = answer.body;
  let sse: SseStream | undefined;
  try {
    const { 'content-type': _, ...headers } = answer.headers;
    sse = SseStream.open(reply, limits, headers, answer.status);
    for (;;) {
      const next = await body.next();
      if (next.done) break;
      if (!(await sse.writeAndDrain(next.value))) break;
    }
  } catch (err) {
    // the stream broke off: end what the client has (the producer sends an error event when it can)
    if (!sse?.signal.aborted) log.warn({ err }, 'a chat completion stream broke off');
  } finally {
    await body.return?.(undefined);
    sse?.end();
  }
}
