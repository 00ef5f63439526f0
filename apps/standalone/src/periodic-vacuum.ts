// Standalone's embedded database is never vacuumed by Postgres itself: PGlite is single-user
// Postgres, without the background workers autovacuum runs in. Left alone, every update leaves a
// dead row and index entries behind and the planner never gets statistics, so a long-running
// instance grows on disk and its statements slow down (measured on a server with autovacuum off:
// a run's Postgres cost nearly doubled over three 8-second rounds, and fell by half once vacuumed
// and analyzed). This does what autovacuum would: `VACUUM (ANALYZE)` through the database's one
// connection, one at a time, every 10 minutes, and sooner after much has been written (autovacuum
// follows the rows changed, not the clock): standalone serving 320 blocking runs/s fell to 240 in
// its second 8-second round, on the first round's dead rows. PGlite runs in this process's thread:
// a statement of its holds the whole event loop, so a pass is one statement per table
// (vacuumEachTable), with the other requests' statements served in between. One `VACUUM (ANALYZE)`
// of the whole database held it 170-230 ms at 3,000 runs; table by table the longest was ~35 ms.
// A large table is still one statement: a ledger of 200,000 rows ~100 ms the first time (its new
// pages), ~35 after (embedded-postgres.ts keeps ANALYZE's sample small). It runs no more often than
// every 15 seconds.
import { createLogger } from '@shoal/platform';

export const VACUUM_EVERY_MS = 10 * 60_000;
/** After this many statement batches since the last vacuum (~3,000 blocking runs), one is due. */
export const VACUUM_AFTER_BATCHES = 20_000;
/** How often the amount written is looked at, and the least time between two vacuums it calls for. */
export const VOLUME_CHECK_EVERY_MS = 5_000;
export const VACUUM_AT_MOST_EVERY_MS = 15_000;

/** Every table of the database, catalogs included (their vacuum is what lets Postgres' transaction ids wrap safely). */
export const TABLES_SQL = `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'm') AND n.nspname NOT LIKE 'pg\\_temp\\_%' ORDER BY n.nspname, c.relname`;

/**
 * One pass: `VACUUM (ANALYZE)` of each table in its own statement, what a database-wide one does,
 * with room for other statements between. `run` sends one SQL text and answers its rows. A table
 * that cannot be vacuumed (dropped meanwhile) does not stop the others; the first error is thrown
 * once they are done.
 */
export async function vacuumEachTable(run: (sql: string) => Promise<Array<Record<string, unknown>>>): Promise<number> {
  const tables = (await run(TABLES_SQL)).map((r) => String(r['name']));
  let failed: unknown;
  for (const table of tables) {
    try {
      await run(`VACUUM (ANALYZE) ${table}`);
    } catch (err) {
      failed ??= err;
    }
  }
  if (failed !== undefined) throw failed;
  return tables.length;
}

/** What the database has served so far, and how much of it calls for a vacuum. */
export interface VacuumVolume {
  served(): number;
  after: number;
}
export class PeriodicVacuum {
  private readonly log = createLogger('PeriodicVacuum');
  private timer: NodeJS.Timeout | undefined;
  private volumeTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private servedAtLast = 0;
  private lastStarted = 0;

  constructor(
    /** One pass (vacuumEachTable); resolves once it is done. */
    private readonly vacuum: () => Promise<unknown>,
    private readonly everyMs = VACUUM_EVERY_MS,
    private readonly volume?: VacuumVolume,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.runOnce(), this.everyMs);
    // never what keeps the process alive
    this.timer.unref();
    const volume = this.volume;
    if (volume && !this.volumeTimer) {
      this.servedAtLast = volume.served();
      this.volumeTimer = setInterval(() => {
        const due = volume.served() - this.servedAtLast >= volume.after;
        if (due && Date.now() - this.lastStarted >= VACUUM_AT_MOST_EVERY_MS) void this.runOnce();
      }, VOLUME_CHECK_EVERY_MS);
      this.volumeTimer.unref();
    }
  }

  /** One vacuum, unless one is still running; a failure is logged, never thrown. */
  runOnce(): Promise<void> {
    if (this.running) return this.running;
    const started = Date.now();
    this.lastStarted = started;
    if (this.volume) this.servedAtLast = this.volume.served();
    this.running = this.vacuum()
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
    clearInterval(this.volumeTimer);
    this.timer = undefined;
    this.volumeTimer = undefined;
    await this.running;
  }
}
