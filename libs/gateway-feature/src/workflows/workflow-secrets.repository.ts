// The workflow versions that carry sealed secret values, for the key rotation pass. A version is
// immutable in content; resealing changes only how its secrets are sealed (and so its checksum, which
// is of the stored, sealed graph).
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '@shoal/platform';

@Injectable()
export class WorkflowSecretsRepository {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  /** A page (every tenant: a platform operation) of versions whose graph holds a sealed value, after `afterId`. */
  sealedPage(afterId: string | null, limit: number): Promise<Array<{ id: string; tenantId: string; graph: unknown; checksum: string }>> {
    return this.prisma.$queryRaw<Array<{ id: string; tenantId: string; graph: unknown; checksum: string }>>`
      SELECT id, tenant_id AS "tenantId", graph, checksum FROM workflow_versions
      WHERE id > ${afterId ?? ''} AND graph::text LIKE '%shoal:enc:%'
      ORDER BY id LIMIT ${limit}`;
  }

  /** Stores the resealed graph if the version is still as read; true when stored. */
  async reseal(id: string, expectedChecksum: string, graph: object): Promise<boolean> {
    const checksum = createHash('sha256').update(JSON.stringify(graph)).digest('hex');
    const { count } = await this.prisma.workflowVersion.updateMany({
      where: { id, checksum: expectedChecksum },
      data: { graph, checksum },
    });
    return count === 1;
  }
}
