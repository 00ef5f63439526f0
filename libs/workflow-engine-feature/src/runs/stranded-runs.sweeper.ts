// Finds runs left queued or running with no job pending in the queue (the enqueue was lost, Redis
// lost its data, the job failed for good while Postgres was down so the run could not be marked,
// a start-up requeue collided with an ended job of the same id) and queues them again: they resume
// from their checkpoints. Every engine sweeps; requeueing is idempotent (the job id is the run id),
// so replicas sweeping at once still give one job per run. A run that keeps failing this way ends
// at its run time limit (WORKFLOW_MAX_EXECUTION_TIME counts from its creation, across attempts).
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { QUEUES } from '@shoal/contracts';
import { JOB_QUEUE, createLogger, type JobQueue } from '@shoal/platform';
import { ENGINE_OPTIONS, type EngineOptions } from './execute-run.use-case';
import { StrandedRunsRepository } from './stranded-runs.repository';
import { DEFAULT_RUN_DURABILITY } from './run-durability.options';

const BATCH = 500;

@Injectable()
export class StrandedRunsSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger('StrandedRunsSweeper');
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  private readonly everyMs: number;
  private readonly staleMs: number;

  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(StrandedRunsRepository) private readonly runs: StrandedRunsRepository,
    @Inject(ENGINE_OPTIONS) opts: EngineOptions,
  ) {
    this.everyMs = opts.durability?.sweepEveryMs ?? DEFAULT_RUN_DURABILITY.sweepEveryMs;
    this.staleMs = opts.durability?.sweepStaleMs ?? DEFAULT_RUN_DURABILITY.sweepStaleMs;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.everyMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One sweep (at most one at a time per process); resolves to the number of runs queued again. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    let requeued = 0;
    try {
      for (const runId of await this.runs.unfinishedSince(new Date(Date.now() - this.staleMs), BATCH)) {
        if ((await this.queue.presence(QUEUES.workflowRuns, runId)) === 'pending') continue;
        await this.queue.requeue(QUEUES.workflowRuns, { runId }, { jobId: runId });
        requeued++;
      }
    } catch (err) {
      // Postgres or Redis down: the next sweep tries again
      this.log.warn({ err, requeued }, 'sweep for stranded runs stopped early');
    }
    if (requeued) this.log.warn({ requeued }, 'queued stranded runs again');
    return requeued;
  }
}
