import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { QUEUES, QUEUE_DEFAULTS, runJobSchema } from '@shoal/contracts';
import { JOB_QUEUE, createLogger, type JobQueue } from '@shoal/platform';
import { ENGINE_OPTIONS, ExecuteRunUseCase, type EngineOptions } from './execute-run.use-case';

/** Consumes workflow-runs jobs. A failed attempt is retried by the queue and resumes from checkpoints. */
@Injectable()
export class RunProcessor implements OnApplicationBootstrap {
  private readonly log = createLogger('RunProcessor');

  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(ExecuteRunUseCase) private readonly useCase: ExecuteRunUseCase,
    @Inject(ENGINE_OPTIONS) private readonly opts: EngineOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.process(QUEUES.workflowRuns, async (payload, job) => {
      const parsed = runJobSchema.safeParse(payload);
      if (!parsed.success) {
        this.log.error({ jobId: job.jobId, issues: parsed.error.issues }, 'dropping malformed run job');
        return;
      }
      try {
        await this.useCase.execute(parsed.data.runId, parsed.data.traceparent);
      } catch (err) {
        if (job.attempt >= QUEUE_DEFAULTS['workflow-runs'].attempts) {
          this.log.error({ err, runId: parsed.data.runId }, 'run failed on its last attempt');
          await this.useCase.giveUp(parsed.data.runId, err);
          return;
        }
        throw err;
      }
    }, { concurrency: this.opts.concurrency });
  }
}
