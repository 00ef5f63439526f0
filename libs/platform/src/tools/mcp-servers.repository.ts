// A tenant's registered MCP servers. Every query takes the tenant id; header values are stored only
// sealed (SecretBox), their names beside them in clear for display.
import { Prisma, type PrismaClient } from '../database/prisma';

export interface McpServerRecord {
  id: string;
  tenantId: string;
  name: string;
  url: string;
  headerNames: string[];
  /** The JSON object name -> value, sealed for `mcpHeadersOwner(tenantId, id)`; null when there are none. */
  sealedHeaders: string | null;
  createdAt: Date;
}

export type NewMcpServer = Omit<McpServerRecord, 'tenantId' | 'createdAt'>;

/** What a failed create ran into. */
export type McpServerCreateRefusal = 'limit' | 'duplicate_name';

export class McpServersRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Creates it unless the tenant already has `maxPerTenant` servers or one by that name. */
  async create(tenantId: string, row: NewMcpServer, maxPerTenant: number): Promise<McpServerRecord | McpServerCreateRefusal> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        // one registration at a time per tenant, so the count cannot be raced past the limit
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`mcp_servers:${tenantId}`}))`;
        if ((await tx.mcpServer.count({ where: { tenantId } })) >= maxPerTenant) return 'limit' as const;
        return tx.mcpServer.create({ data: { ...row, tenantId } });
      });
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') return 'duplicate_name';
      throw e;
    }
  }

  /** Oldest first, `limit` at most, after the id `after` (ids sort by creation). */
  list(tenantId: string, q: { limit: number; after?: string }): Promise<McpServerRecord[]> {
    return this.prisma.mcpServer.findMany({
      where: { tenantId, ...(q.after ? { id: { gt: q.after } } : {}) },
      orderBy: { id: 'asc' },
      take: q.limit,
    });
  }

  find(tenantId: string, id: string): Promise<McpServerRecord | null> {
    return this.prisma.mcpServer.findFirst({ where: { tenantId, id } });
  }

  findMany(tenantId: string, ids: readonly string[]): Promise<McpServerRecord[]> {
    return this.prisma.mcpServer.findMany({ where: { tenantId, id: { in: [...ids] } } });
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (await this.prisma.mcpServer.deleteMany({ where: { tenantId, id } })).count > 0;
  }

  /**
   * Every server with sealed headers, across tenants, a page at a time: for the key rotation's
   * re-encryption pass only (it reseals each under its own owner, never reads one for a tenant).
   */
  sealedPage(afterId: string | null, limit: number): Promise<Array<{ id: string; tenantId: string; sealed: string }>> {
    return this.prisma.mcpServer
      .findMany({
        where: { sealedHeaders: { not: null }, ...(afterId ? { id: { gt: afterId } } : {}) },
        select: { id: true, tenantId: true, sealedHeaders: true },
        orderBy: { id: 'asc' },
        take: limit,
      })
      .then((rows) => rows.map((r) => ({ id: r.id, tenantId: r.tenantId, sealed: r.sealedHeaders as string })));
  }

  /** Replaces sealed headers if they are still the ones read (a concurrent change wins); true when replaced. */
  async reseal(id: string, expected: string, sealed: string): Promise<boolean> {
    const { count } = await this.prisma.mcpServer.updateMany({ where: { id, sealedHeaders: expected }, data: { sealedHeaders: sealed } });
    return count === 1;
  }
}
