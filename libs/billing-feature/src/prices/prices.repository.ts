import { Inject, Injectable } from '@nestjs/common';
import { newId } from '@shoal/contracts';
import { PriceCatalog, type PriceRow } from '@shoal/pricing';
import { PrismaClient } from '@shoal/platform';

/** The prices table: seeded from the built-in catalog, read as a PriceCatalog. */
@Injectable()
export class PricesRepository {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  /** Insert catalog rows that are not there yet; rows already present (perhaps edited) are left alone. */
  async seed(rows: ReadonlyArray<PriceRow>): Promise<number> {
    const { count } = await this.prisma.price.createMany({
      skipDuplicates: true,
      data: rows.map((r) => ({
        id: newId('price'),
        model: r.model,
        currency: r.currency ?? 'USD',
        inputPerMillion: String(r.inputPerMillion),
        cachedInputPerMillion: r.cachedInputPerMillion === undefined ? null : String(r.cachedInputPerMillion),
        outputPerMillion: String(r.outputPerMillion),
        reasoningPerMillion: r.reasoningPerMillion === undefined ? null : String(r.reasoningPerMillion),
        effectiveFrom: new Date(r.effectiveFrom),
      })),
    });
    return count;
  }

  async catalog(): Promise<PriceCatalog> {
    const rows = await this.prisma.price.findMany({ orderBy: [{ model: 'asc' }, { effectiveFrom: 'asc' }] });
    return new PriceCatalog(
      rows.map((r) => ({
        model: r.model,
        currency: r.currency,
        inputPerMillion: r.inputPerMillion.toFixed(),
        cachedInputPerMillion: r.cachedInputPerMillion?.toFixed(),
        outputPerMillion: r.outputPerMillion.toFixed(),
        reasoningPerMillion: r.reasoningPerMillion?.toFixed(),
        effectiveFrom: r.effectiveFrom,
      })),
    );
  }
}
