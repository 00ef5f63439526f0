import { Inject, Injectable } from '@nestjs/common';
import { QUEUES, type UsageEvent } from '@shoal/contracts';
import { JOB_QUEUE, createLogger, type JobQueue } from '@shoal/platform';

/** Hands one usage event per call to billing through the durable queue; the call id is the job id, so a repeat is dropped. */
@Injectable()
export class UsageEmitter {
  private readonly log = createLogger('UsageEmitter');
  constructor(@Inject(JOB_QUEUE) private readonly queue: JobQueue) {}

  async emit(event: UsageEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.queue.enqueue(QUEUES.usageEvents, event, { jobId: event.callId });
        return;
      } catch (err) {
        if (attempt >= 5) {
          // the full event is in the log line so that it can be replayed by hand
          this.log.error({ err, usageEvent: event }, 'usage event could not be queued');
          return;
        }
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }
}
