// The FileRecords port over the `files` table: which ids a tenant has a row for.
import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '../database/prisma';
import type { FileRecords } from './file-store';

@Injectable()
export class FileRecordsRepository implements FileRecords {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  async recorded(tenantId: string, fileIds: readonly string[]): Promise<Set<string>> {
    if (fileIds.length === 0) return new Set();
    const rows = await this.prisma.uploadedFile.findMany({ where: { tenantId, id: { in: [...fileIds] } }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }
}
