// The `run_events` table: standalone mode's durable run event streams (see PostgresRunEventStore).
import { PrismaClient } from '../database/prisma';

export interface StoredRunEvent {
  sequence: number;
  /** the event body as JSON text */
  data: string;
  /** ms since the epoch, UTC */
  timestamp: number;
}

export class RunEventsRepository {
  constructor(private readonly prisma: PrismaClient) {}

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
   * Appends one event to each of several runs (at most one per run: a run's appends are
   * serialised), each as its run's next sequence number, in one statement. Returns the sequence
   * numbers in the order of `entries`.
   */
  async appendEach(entries: ReadonlyArray<{ runId: string; data: string; at: Date }>): Promise<number[]> {
    const rows = await this.prisma.$queryRaw<Array<{ run_id: string; sequence: number }>>`
      INSERT INTO run_events (run_id, sequence, data, created_at)
      SELECT r.run_id, COALESCE((SELECT MAX(e.sequence) FROM run_events e WHERE e.run_id = r.run_id), 0) + 1, r.data, r.created_at
      FROM json_to_recordset(${JSON.stringify(entries.map((e) => ({ run_id: e.runId, data: e.data, created_at: e.at.toISOString() })))}::json)
        AS r(run_id text, data text, created_at timestamptz)
      RETURNING run_id, sequence`;
    const byRun = new Map(rows.map((r) => [r.run_id, Number(r.sequence)]));
    return entries.map((e) => {
      const seq = byRun.get(e.runId);
      if (seq === undefined) throw new Error(`run_events: the insert for run ${e.runId} returned no row`);
      return seq;
    });
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
