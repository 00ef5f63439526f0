// The Postgres FileStore: a file's bytes as rows of at most 1 MiB in file_chunks, written in one
// transaction and read back one row at a time. Every query takes the tenant id.
import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '@shoal/platform';
import type { FileStore } from './file-store';

export const CHUNK_BYTES = 1024 * 1024;

@Injectable()
export class PostgresFileStore implements FileStore {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  async put(tenantId: string, fileId: string, content: readonly Buffer[]): Promise<void> {
    const chunks = rechunk(content, CHUNK_BYTES);
    await this.prisma.$transaction(
      chunks.map((data, seq) => this.prisma.fileChunk.create({ data: { fileId, tenantId, seq, data: new Uint8Array(data) } })),
    );
  }

  async *read(tenantId: string, fileId: string): AsyncIterable<Buffer> {
    for (let seq = 0; ; seq++) {
      const row = await this.prisma.fileChunk.findFirst({ where: { tenantId, fileId, seq }, select: { data: true } });
      if (!row) return;
      yield Buffer.from(row.data);
    }
  }

  async remove(tenantId: string, fileId: string): Promise<void> {
    await this.prisma.fileChunk.deleteMany({ where: { tenantId, fileId } });
  }
}

/** The bytes cut into pieces of `size` (the last one shorter); an empty file is one empty piece. */
export function rechunk(content: readonly Buffer[], size: number): Buffer[] {
  const all = Buffer.concat(content as Buffer[]);
  if (all.length === 0) return [all];
  const out: Buffer[] = [];
  for (let at = 0; at < all.length; at += size) out.push(all.subarray(at, at + size));
  return out;
}
