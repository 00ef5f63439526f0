// Sends a ChatCompletionsPort answer: a JSON answer as its bytes, a streamed one as SSE pulled no
// faster than the client reads (a reader that stalls is cut, and the provider call with it).
import type { FastifyReply } from 'fastify';
import type { ChatCompletionsAnswer } from '@shoal/contracts';
import { createLogger } from '../logging/logger';
import { SseStream, type SseLimits } from './sse-stream';
import { ApiError } from '../errors/api-error';
import { openAiBody } from '../errors/error-bodies';

const log = createLogger('ChatAnswer');
const LF = 0x0a;
const STREAM_BROKE_OFF = new ApiError(
  'upstream_unavailable',
  'The model service broke off the stream before the answer was complete; retry',
);

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
  // whether what the client has so far ends on an event boundary
  let atBoundary = true;
  try {
    const { 'content-type': _, ...headers } = answer.headers;
    sse = SseStream.open(reply, limits, headers, answer.status);
    for (;;) {
      const next = await body.next();
      if (next.done) break;
      const bytes = next.value;
      atBoundary = bytes.length >= 2 && bytes[bytes.length - 1] === LF && bytes[bytes.length - 2] === LF;
      if (!(await sse.writeAndDrain(bytes))) break;
    }
  } catch (err) {
    // the service behind this one broke off (it died, or the connection did): the client is told so
    // in the stream, in OpenAI's error shape, rather than finding the stream merely ended
    if (sse && !sse.signal.aborted) {
      log.warn({ err }, 'a chat completion stream broke off');
      sse.write(`${atBoundary ? '' : '\n\n'}data: ${JSON.stringify(openAiBody(STREAM_BROKE_OFF))}\n\n`);
    }
  } finally {
    await body.return?.(undefined);
    sse?.end();
  }
}
