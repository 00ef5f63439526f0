import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '@shoal/platform';

/** Runs that should be in the queue: the sweeper's view of workflow_runs (any tenant: it is the engine's own housekeeping). */
@Injectable()
export class StrandedRunsRepository {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  /** Queued or running runs whose row has not changed since `before`, oldest first, at most `limit`. */
  async unfinishedSince(before: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.workflowRun.findMany({
      where: { status: { in: ['queued', 'running'] }, updatedAt: { lt: before } },
      select: { id: true },
      orderBy: { updatedAt: 'asc' },
      take: limit,
    });
    return rows.map((r) => r.id);
  }
}
