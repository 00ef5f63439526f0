// The runs this worker holds, and how a cancel reaches them: at once through the cancel bus (Redis
// pub/sub, or in process), and, should a message be missed, through the run row's
// cancel_requested_at, read every CANCEL_POLL_MS for the runs held here.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RUN_CANCEL_BUS, createLogger, type RunCancelBus } from '@shoal/platform';
import { RunStateRepository } from './run-state.repository';

const CANCEL_POLL_MS = 2000;

@Injectable()
export class RunCancellations implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger('RunCancellations');
  private readonly held = new Map<string, AbortController>();
  private stopListening: (() => void) | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;

  constructor(
    @Inject(RUN_CANCEL_BUS) private readonly bus: RunCancelBus,
    @Inject(RunStateRepository) private readonly runs: RunStateRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.stopListening = await this.bus.listen((runId) => this.cancel(runId));
    this.poll = setInterval(() => void this.pollFlags(), CANCEL_POLL_MS);
    this.poll.unref();
  }

  onApplicationShutdown(): void {
    this.stopListening?.();
    clearInterval(this.poll);
  }

  /** The signal that stops `runId` while this worker executes it; call the returned release when done. */
  hold(runId: string): { signal: AbortSignal; release: () => void } {
    const controller = new AbortController();
    this.held.set(runId, controller);
    return {
      signal: controller.signal,
      release: () => {
        if (this.held.get(runId) === controller) this.held.delete(runId);
      },
    };
  }

  cancel(runId: string): void {
    const controller = this.held.get(runId);
    if (!controller || controller.signal.aborted) return;
    this.log.info({ runId }, 'stopping run: cancel requested');
    controller.abort();
  }

  private async pollFlags(): Promise<void> {
    if (this.held.size === 0) return;
    try {
      for (const runId of await this.runs.cancelRequested([...this.held.keys()])) this.cancel(runId);
    } catch (err) {
      this.log.warn({ err }, 'could not read cancel requests; relying on the cancel bus');
    }
  }
}
