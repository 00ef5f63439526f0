import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { newId } from '@shoal/contracts';
import { PrismaClient } from '@shoal/platform';

export interface WorkflowWithVersion {
  id: string;
  name: string;
  description: string;
  createdAt: Date;
  version: { id: string; number: number; graph: unknown; createdAt: Date };
}

@Injectable()
export class WorkflowsRepository {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  /** A workflow and its first, immutable version, in one transaction: never one without the other. */
  async create(tenantId: string, input: { name: string; description: string; graph: object }): Promise<WorkflowWithVersion> {
    const workflowId = newId('wf');
    const versionId = newId('wfv');
    const graphJson = JSON.stringify(input.graph);
    const [wf, version] = await this.prisma.$transaction([
      this.prisma.workflow.create({
        data: { id: workflowId, tenantId, name: input.name, description: input.description, latestVersionId: versionId },
      }),
      this.prisma.workflowVersion.create({
        data: {
          id: versionId,
          tenantId,
          workflowId,
          number: 1,
          graph: input.graph,
          checksum: createHash('sha256').update(graphJson).digest('hex'),
        },
      }),
    ]);
    return {
      id: wf.id,
      name: wf.name,
      description: wf.description,
      createdAt: wf.createdAt,
      version: { id: version.id, number: version.number, graph: version.graph, createdAt: version.createdAt },
    };
  }

  async findLatest(tenantId: string, workflowId: string): Promise<WorkflowWithVersion | null> {
    const wf = await this.prisma.workflow.findFirst({ where: { id: workflowId, tenantId, archivedAt: null } });
    if (!wf?.latestVersionId) return null;
    const version = await this.prisma.workflowVersion.findFirst({ where: { id: wf.latestVersionId, tenantId } });
    if (!version) return null;
    return {
      id: wf.id,
      name: wf.name,
      description: wf.description,
      createdAt: wf.createdAt,
      version: { id: version.id, number: version.number, graph: version.graph, createdAt: version.createdAt },
    };
  }

  async exists(tenantId: string, workflowId: string): Promise<boolean> {
    return (await this.prisma.workflow.count({ where: { id: workflowId, tenantId, archivedAt: null } })) > 0;
  }
}
