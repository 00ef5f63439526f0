// The `run_events` table: standalone mode's durable run event streams (see PostgresRunEventStore).
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "RunEventsRepository", {
    enumerable: true,
    get: function() {
        return RunEventsRepository;
    }
});
let RunEventsRepository = class RunEventsRepository {
    prisma;
    constructor(prisma){
        this.prisma = prisma;
    }
    /**
   * Appends one event as the run's next sequence number, in one statement. Callers in one process
   * serialise appends per run; a concurrent appender elsewhere gets a unique violation, never a
   * duplicate or a gap.
   */ async append(runId, data, at) {
        const rows = await this.prisma.$queryRaw`
      INSERT INTO run_events (run_id, sequence, data, created_at)
      SELECT ${runId}, COALESCE(MAX(sequence), 0) + 1, ${data}, ${at}
      FROM run_events WHERE run_id = ${runId}
      RETURNING sequence`;
        const [row] = rows;
        if (!row) throw new Error(`run_events: the insert for run ${runId} returned no row`);
        return Number(row.sequence);
    }
    async after(runId, afterSeq) {
        const rows = await this.prisma.runEvent.findMany({
            where: {
                runId,
                sequence: {
                    gt: afterSeq
                }
            },
            orderBy: {
                sequence: 'asc'
            },
            select: {
                sequence: true,
                data: true,
                createdAt: true
            }
        });
        return rows.map((r)=>({
                sequence: r.sequence,
                data: r.data,
                timestamp: r.createdAt.getTime()
            }));
    }
    /** The run's highest stored sequence number; 0 when it has none. */ async lastSequence(runId) {
        const agg = await this.prisma.runEvent.aggregate({
            where: {
                runId
            },
            _max: {
                sequence: true
            }
        });
        return agg._max.sequence ?? 0;
    }
    /** Deletes the events of every run that has had no event since `cutoff` (a run's stream is kept or dropped whole). */ async deleteRunsIdleSince(cutoff) {
        return this.prisma.$executeRaw`
      DELETE FROM run_events WHERE run_id IN (
        SELECT run_id FROM run_events GROUP BY run_id HAVING MAX(created_at) < ${cutoff}
      )`;
    }
};

//# sourceMappingURL=run-events.repository.js.map