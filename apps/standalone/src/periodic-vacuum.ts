// Standalone's embedded database is never vacuumed by Postgres itself: PGlite is single-user
// Postgres, without the background workers autovacuum runs in. Left alone, every update leaves a
// dead row and index entries behind and the planner never gets statistics, so a long-running
// instance grows on disk and its statements slow down (measured on a server with autovacuum off:
// a run's Postgres cost nearly doubled over three 8-second rounds, and fell by half once vacuumed
// and analyzed). This does what autovacuum would, on a timer: `VACUUM (ANALYZE)` through the
// database's one connection, one at a time. It holds that connection while it runs (~0.2-0.3 s on
// a small database), so it runs rarely.
import { createLogger } from '@shoal/platform';

export const VACUUM_EVERY_MS = 10 * 60_000;

export class PeriodicVacuum {
  private readonly log = createLogger('PeriodicVacuum');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    /** Sends `VACUUM (ANALYZE)`; resolves once it is done. */
    private readonly vacuum: () => Promise<unknown>,
    private readonly everyMs = VACUUM_EVERY_MS,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.runOnce(), this.everyMs);
    // never what keeps the process alive
    this.timer.unref();
  }

  /** One vacuum, unless one is still running; a failure is logged, never thrown. */
  runOnce(): Promise<void> {
    const started = Date.now();
    this.running ??= this.vacuum()
      .then(
        () => this.log.debug({ ms: Date.now() - started }, 'embedded database vacuumed and analyzed'),
        (err: unknown) => this.log.warn({ err }, 'vacuuming the embedded database failed; it is tried again at the next interval'),
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** No more vacuums; resolves once the one running (if any) has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
