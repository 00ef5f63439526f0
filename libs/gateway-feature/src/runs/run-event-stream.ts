// A run's events sent over SSE until workflow_finished, in the framing of the API that asked: Shoal's
// (an `id:` line per event, so EventSource can resume with Last-Event-ID) or Dify's (bare `data:`
// blocks and `event: ping`, as Dify's clients parse them). One place for the ping, the slow-reader
// cut and the end of the stream, whichever API streams.
import type { FastifyReply } from 'fastify';
import type { RunEvent } from '@shoal/contracts';
import { SseStream, type RequestContext, type SseLimits } from '@shoal/platform';
import { presentRunEvent } from './run-event.presenter';
import type { RunStreamRow } from './runs.repository';
import type { RunsService } from './runs.service';

export interface RunEventFraming {
  event(e: RunEvent): string;
  ping: string;
}

export const SHOAL_FRAMING: RunEventFraming = {
  event: (e) => `id: ${e.sequence}\ndata: ${JSON.stringify(presentRunEvent(e))}\n\n`,
  ping: 'event: ping\ndata: {"event":"ping"}\n\n',
};

export const DIFY_FRAMING: RunEventFraming = {
  event: (e) => {
    const { sequence: _s, timestamp: _t, ...event } = presentRunEvent(e);
    return `data: ${JSON.stringify(event)}\n\n`;
  },
  ping: 'event: ping\n\n',
};

const PING_MS = 10_000;

export async function streamRunEvents(
  o: { reply: FastifyReply; limits: SseLimits; runs: RunsService; framing: RunEventFraming },
  ctx: RequestContext,
  run: RunStreamRow,
  afterSeq: number,
): Promise<void> {
  const sse = SseStream.open(o.reply, o.limits, { 'x-shoal-run-id': run.id });
  const ping = setInterval(() => sse.keepAlive(o.framing.ping), o.limits.pingIntervalMs ?? PING_MS);
  // pushed events cannot wait for a slow reader: one that falls too far behind is cut, and
  // reconnects with Last-Event-ID (the events are stored)
  const write = (e: RunEvent) => void sse.write(o.framing.event(e));
  try {
    await o.runs.follow(ctx, run.id, afterSeq, write, sse.signal, run);
  } finally {
    clearInterval(ping);
    sse.end();
  }
}
