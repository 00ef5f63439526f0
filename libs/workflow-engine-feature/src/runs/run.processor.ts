import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { QUEUES } from '@shoal/contracts';
import { JOB_QUEUE, createLogger, type JobQueue } from '@shoal/platform';
import { ENGINE_OPTIONS, ExecuteRunUseCase, type EngineOptions } from './execute-run.use-case';
import { LeaseLostError } from './lease-lost.error';
import { waitOutOutages } from './outage-wait';
import { DEFAULT_RUN_DURABILITY, type RunDurabilityOptions } from './run-durability.options';

/** Consumes workflow-runs jobs. A failed attempt is retried by the queue and resumes from checkpoints. */
@Injectable()
export class RunProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger('RunProcessor');
  private stopping = false;

  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(ExecuteRunUseCase) private readonly useCase: ExecuteRunUseCase,
    @Inject(ENGINE_OPTIONS) private readonly opts: EngineOptions,
  ) {}

  private get durability(): RunDurabilityOptions {
    return { ...DEFAULT_RUN_DURABILITY, ...this.opts.durability };
  }

  beforeApplicationShutdown(): void {
    // a run waiting out an outage stops waiting: its job goes back to the queue for another worker
    this.stopping = true;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.queue.process(
      QUEUES.workflowRuns,
      // the queue layer has validated the payload against the queue's schema (QUEUE_PAYLOADS)
      async (job) => {
        const { runId, traceparent } = job;
        try {
          await waitOutOutages(() => this.useCase.execute(runId, traceparent), this.durability.outageRetryMs, {
            onWait: (err, waitMs) => this.log.warn({ err, runId, waitMs }, 'a dependency is unavailable: resuming the run when it answers'),
            stopping: () => this.stopping,
          });
        } catch (err) {
          // another worker owns the run now; this delivery has nothing left to do
          if (err instanceof LeaseLostError) return this.log.warn({ runId }, 'run taken over by another worker: stopping here');
          throw err;
        }
      },
      {
        concurrency: this.opts.concurrency,
        // a short lock, renewed often: a dead engine's runs are taken over seconds after it died
        lockDurationMs: this.durability.jobLockMs,
        stalledIntervalMs: this.durability.stallCheckMs,
        maxStalledCount: this.durability.maxTakeovers,
        // every retry used, or its workers kept dying: the run must not stay "running" forever
        onExhausted: async (job, err) => this.useCase.giveUp(job.runId, err),
      },
    );
    // runs whose job may be gone (standalone restarted, Redis lost its data): queue them again;
    // a job that still exists is not added twice (the job id is the run id)
    const unfinished = await this.useCase.unfinishedRunIds();
    for (const runId of unfinished) await this.queue.enqueue(QUEUES.workflowRuns, { runId }, { jobId: runId });
    if (unfinished.length) this.log.info({ runs: unfinished.length }, 'requeued unfinished runs');
  }
}
