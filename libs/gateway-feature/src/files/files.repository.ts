// Uploaded files' metadata. Every query is tenant-scoped; a key bound to a workflow (Dify's app
// key) sees only the files uploaded for that workflow.
import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient, type Prisma } from '@shoal/platform';

export type FileRow = Prisma.UploadedFileGetPayload<object>;
export type NewFileRow = Omit<Prisma.UploadedFileUncheckedCreateInput, 'tenantId' | 'createdAt'>;

/** Which of a tenant's files a caller sees: all of them, or (a bound key) those of its workflow. */
export interface FileScope {
  tenantId: string;
  workflowId: string | null;
}

function visible(scope: FileScope): Prisma.UploadedFileWhereInput {
  return { tenantId: scope.tenantId, ...(scope.workflowId ? { workflowId: scope.workflowId } : {}) };
}

@Injectable()
export class FilesRepository {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  create(tenantId: string, row: NewFileRow): Promise<FileRow> {
    return this.prisma.uploadedFile.create({ data: { ...row, tenantId } });
  }

  find(scope: FileScope, id: string): Promise<FileRow | null> {
    return this.prisma.uploadedFile.findFirst({ where: { ...visible(scope), id } });
  }

  /** The files of these ids the caller sees (the others are missing from the answer). */
  findMany(scope: FileScope, ids: readonly string[]): Promise<FileRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.prisma.uploadedFile.findMany({ where: { ...visible(scope), id: { in: [...ids] } } });
  }

  /** Newest first; `after` is the last id of the page before. */
  async list(scope: FileScope, q: { limit: number; after?: string }): Promise<{ files: FileRow[]; hasMore: boolean }> {
    const rows = await this.prisma.uploadedFile.findMany({
      where: { ...visible(scope), ...(q.after ? { id: { lt: q.after } } : {}) },
      orderBy: { id: 'desc' },
      take: q.limit + 1,
    });
    return { files: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
  }

  /** Deletes the row; false when the caller sees no such file. */
  async delete(scope: FileScope, id: string): Promise<boolean> {
    const { count } = await this.prisma.uploadedFile.deleteMany({ where: { ...visible(scope), id } });
    return count > 0;
  }
}
