// The `files` rows the engine reads (the size of an upload before its bytes) and writes (files nodes
// received, e.g. an http-request response). Every query takes the tenant id.
import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '@shoal/platform';

export interface NodeFileRow {
  id: string;
  workflowId: string;
  apiKeyId: string | null;
  endUser: string | null;
  name: string;
  size: number;
  /** lower case, without the dot */
  extension: string;
  mimeType: string;
  kind: string;
  sha256: string;
}

@Injectable()
export class NodeFilesRepository {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  /** The size of the tenant's file of that id, or null when the tenant has none. */
  async sizeOf(tenantId: string, id: string): Promise<number | null> {
    const row = await this.prisma.uploadedFile.findFirst({ where: { tenantId, id }, select: { size: true } });
    return row?.size ?? null;
  }

  async create(tenantId: string, row: NodeFileRow): Promise<void> {
    await this.prisma.uploadedFile.create({ data: { ...row, tenantId } });
  }
}
