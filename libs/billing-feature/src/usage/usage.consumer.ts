import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { QUEUES } from '@shoal/contracts';
import { JOB_QUEUE, type JobQueue, createLogger } from '@shoal/platform';
import { IngestUsageService, InvalidUsageEventError } from './ingest-usage.service';
import { PriceBook } from '../prices/price-book';

/** Consumes usage events from the queue. A malformed event is logged and dropped (retrying cannot fix it); anything else is retried. */
@Injectable()
export class UsageConsumer implements OnApplicationBootstrap {
  private readonly log = createLogger('UsageConsumer');

  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(IngestUsageService) private readonly ingest: IngestUsageService,
    @Inject(PriceBook) private readonly prices: PriceBook,
    @Inject('USAGE_CONCURRENCY') private readonly concurrency: number,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.prices.init();
    this.queue.process(
      QUEUES.usageEvents,
      async (payload) => {
        try {
          await this.ingest.ingest(payload);
        } catch (err) {
          if (err instanceof InvalidUsageEventError) {
            this.log.error({ err }, 'dropping malformed usage event');
            return;
          }
          throw err;
        }
      },
      { concurrency: this.concurrency },
    );
  }
}
