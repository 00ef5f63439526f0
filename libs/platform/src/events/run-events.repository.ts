// The `run_events` table: standalone mode's durable run event streams (see PostgresRunEventStore).
import { Prisma, PrismaClient } from '../database/prisma';
import { directSql, type DirectSql } from '../database/direct-sql';

export interface StoredRunEvent {
  sequence: number;
  /** the event body as JSON text */
  data: string;
  /** ms since the epoch, UTC */
  timestamp: number;
}

/** Events of one run to append in order, for appendRuns. */
export interface RunAppend {
  runId: string;
  /** each event's body as JSON text, and when it was appended */
  events: ReadonlyArray<{ data: string; at: Date }>;
  /** the last of `events` is the run's workflow_finished: its sequence number becomes the run's last_event_seq */
  finished: boolean;
}

export class RunEventsRepository {
  private direct?: DirectSql;
  constructor(private readonly prisma: PrismaClient) {}

  // the hot statements (appends, the end check) skip Prisma's raw path (direct-sql.ts)
  private get sql(): DirectSql {
    return (this.direct ??= directSql(this.prisma));
  }

  /**
   * Appends one event as the run's next sequence number, in one statement. Callers in one process
   * serialise appends per run; a concurrent appender elsewhere gets a unique violation, never a
   * duplicate or a gap.
   */
  async append(runId: string, data: string, at: Date): Promise<number> {
    const rows = await this.prisma.$queryRaw<Array<{ sequence: number }>>`
      INSERT INTO run_events (run_id, sequence, data, created_at)
      SELECT ${runId}, COALESCE(MAX(sequence), 0) + 1, ${data}, ${at}
      FROM run_events WHERE run_id = ${runId}
      RETURNING sequence`;
    const [row] = rows;
    if (!row) throw new Error(`run_events: the insert for run ${runId} returned no row`);
    return Number(row.sequence);
  }

  /**
   * Appends the events of several runs (each run at most once: a run's appends are serialised), each
   * run's numbered on from its last stored sequence number, in one statement. A run whose last event
   * here is its workflow_finished gets that event's number as its last_event_seq in the same
   * statement (what the engine otherwise writes after announcing the end, a statement and a commit
   * later: `0` there marks a run whose end was never announced). Returns each run's first new
   * sequence number, in the order of `runs` (its events have that number and the ones after it).
   */
  async appendRuns(runs: readonly RunAppend[]): Promise<number[]> {
    const rows = runs.flatMap((r) =>
      r.events.map((e, i) => ({
        run_id: r.runId,
        n: i + 1,
        data: e.data,
        created_at: e.at.toISOString(),
        final: r.finished && i === r.events.length - 1,
      })),
    );
    // the finished runs by primary key (an array the planner can look up), not by a join with the
    // input: a function's rows are estimated at 100 whatever they are, and for that many the planner
    // took a hash join over a sequential scan of every run (1.6 ms at 3,000 runs, for one)
    const finished = runs.filter((r) => r.finished).map((r) => r.runId);
    const written = await this.sql.query<{ run_id: string; first: number }>(Prisma.sql`
      WITH input AS (
        SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(run_id text, n int, data text, created_at timestamptz, final boolean)
      ), base AS (
        SELECT i.run_id, COALESCE((SELECT MAX(e.sequence) FROM run_events e WHERE e.run_id = i.run_id), 0) AS last
        FROM (SELECT DISTINCT run_id FROM input) i
      ), inserted AS (
        INSERT INTO run_events (run_id, sequence, data, created_at)
        SELECT input.run_id, base.last + input.n, input.data, input.created_at FROM input JOIN base USING (run_id)
        RETURNING run_id, sequence
      ), announced AS (
        UPDATE workflow_runs w SET last_event_seq = base.last + input.n, updated_at = now()
        FROM input JOIN base USING (run_id) WHERE input.final AND w.id = input.run_id AND w.id = ANY(${finished}::text[])
      )
      SELECT run_id, MIN(sequence)::int AS first FROM inserted GROUP BY run_id`);
    const firsts = new Map(written.map((r) => [r.run_id, Number(r.first)]));
    return runs.map((r) => {
      const first = firsts.get(r.runId);
      if (first === undefined) throw new Error(`run_events: the insert for run ${r.runId} returned no row`);
      return first;
    });
  }

  /** Whether the run's last stored event is its workflow_finished. */
  async hasFinished(runId: string): Promise<boolean> {
    const [last] = await this.sql.query<{ data: string }>(Prisma.sql`
      SELECT data FROM run_events WHERE run_id = ${runId} ORDER BY sequence DESC LIMIT 1`);
    return last !== undefined && (JSON.parse(last.data) as { event?: unknown }).event === 'workflow_finished';
  }

  async after(runId: string, afterSeq: number): Promise<StoredRunEvent[]> {
    const rows = await this.prisma.runEvent.findMany({
      where: { runId, sequence: { gt: afterSeq } },
      orderBy: { sequence: 'asc' },
      select: { sequence: true, data: true, createdAt: true },
    });
    return rows.map((r) => ({ sequence: r.sequence, data: r.data, timestamp: r.createdAt.getTime() }));
  }

  /** The run's highest stored sequence number; 0 when it has none. */
  async lastSequence(runId: string): Promise<number> {
    const agg = await this.prisma.runEvent.aggregate({ where: { runId }, _max: { sequence: true } });
    return agg._max.sequence ?? 0;
  }

  /** Deletes the events of every run that has had no event since `cutoff` (a run's stream is kept or dropped whole). */
  async deleteRunsIdleSince(cutoff: Date): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM run_events WHERE run_id IN (
        SELECT run_id FROM run_events GROUP BY run_id HAVING MAX(created_at) < ${cutoff}
      )`;
  }
}
