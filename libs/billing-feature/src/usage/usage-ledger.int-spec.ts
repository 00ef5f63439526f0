import type { UsageEvent } from '@shoal/contracts';
import { ApiError, Prisma, configureRootLogger, createPrismaClient, type PrismaClient } from '@shoal/platform';
import { createTestDatabase, type TestDatabase } from '@shoal/testing';
import { PriceBook } from '../prices/price-book';
import { PricesRepository } from '../prices/prices.repository';
import { IngestUsageService, InvalidUsageEventError } from './ingest-usage.service';
import { RunCostController } from './run-cost.controller';
import { RunCostService } from './run-cost.service';
import { UsageLedgerRepository } from './usage-ledger.repository';

// the `int` project's testTimeout is not applied per project by Jest; a generous guard, not a speed claim
jest.setTimeout(30_000);

let seq = 0;
type UsageInput = Omit<UsageEvent, 'cachedPromptTokens' | 'reasoningTokens' | 'priceOverride'> &
  Partial<Pick<UsageEvent, 'cachedPromptTokens' | 'reasoningTokens' | 'priceOverride'>>;

/** A usage event as model-pool emits it for a mock-chat call of 7 prompt and 6 completion tokens. */
function usage(over: Partial<UsageInput> = {}): UsageInput {
  seq++;
  return {
    callId: `run_ledger:llm:${seq}`,
    tenantId: 'ten_ledger',
    apiKeyId: 'key_ledger',
    runId: 'run_ledger',
    nodeId: 'llm',
    deploymentId: 'dep_mock',
    provider: 'mock',
    model: 'mock-chat',
    upstreamModel: 'mock-chat',
    promptTokens: 7,
    completionTokens: 6,
    status: 'succeeded',
    stream: false,
    latencyMs: 42,
    startedAt: '2026-03-01T12:00:00.000Z',
    ...over,
  };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('usage ledger (real Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let ledger: UsageLedgerRepository;
  let ingest: IngestUsageService;

  beforeAll(async () => {
    configureRootLogger({ service: 'test', level: 'silent' });
    db = await createTestDatabase('billing-ledger');
    prisma = createPrismaClient({ url: db.url, maxConnections: 10 });
    const priceBook = new PriceBook(new PricesRepository(prisma));
    await priceBook.init();
    ledger = new UsageLedgerRepository(prisma);
    ingest = new IngestUsageService(priceBook, ledger);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  beforeEach(async () => {
    await prisma.$executeRaw`TRUNCATE usage_records, usage_daily_rollups`;
  });

  const rollups = () => prisma.usageDailyRollup.findMany({ orderBy: [{ day: 'asc' }, { model: 'asc' }] });

  describe('exactly once', () => {
    it('records an event delivered five times at once as one row and one rollup call', async () => {
      const event = usage();
      const results = await Promise.all(Array.from({ length: 5 }, () => ingest.ingest(event)));
      expect(results.filter((r) => r === 'recorded')).toHaveLength(1);
      expect(results.filter((r) => r === 'duplicate')).toHaveLength(4);

      const rows = await prisma.usageRecord.findMany();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ callId: event.callId, promptTokens: 7, completionTokens: 6, totalTokens: 13 });

      const [rollup, ...more] = await rollups();
      expect(more).toHaveLength(0);
      expect(rollup).toMatchObject({
        tenantId: 'ten_ledger',
        model: 'mock-chat',
        currency: 'USD',
        calls: 1,
        promptTokens: 7n,
        completionTokens: 6n,
      });
      expect(rollup.day.toISOString()).toBe('2026-03-01T00:00:00.000Z');
      expect(rollup.totalCost.toFixed()).toBe(rows[0].totalCost.toFixed());
    });

    it('records a redelivery later as a duplicate, leaving the totals alone', async () => {
      const event = usage();
      await expect(ingest.ingest(event)).resolves.toBe('recorded');
      await expect(ingest.ingest({ ...event, promptTokens: 9999 })).resolves.toBe('duplicate');
      expect(await prisma.usageRecord.count()).toBe(1);
      expect((await rollups())[0]).toMatchObject({ calls: 1, promptTokens: 7n });
    });
  });

  describe('pricing', () => {
    it('prices a mock-chat call of 7 prompt / 6 completion tokens at exactly 0.00000849 USD', async () => {
      const event = usage();
      await ingest.ingest(event);
      const row = await prisma.usageRecord.findUniqueOrThrow({ where: { callId: event.callId } });
      expect(row.inputCost.toFixed()).toBe('0.00000189'); // 7 × 0.27 / 1M
      expect(row.outputCost.toFixed()).toBe('0.0000066'); // 6 × 1.10 / 1M
      expect(row.totalCost.toFixed()).toBe('0.00000849');
      expect(row.currency).toBe('USD');
    });

    it('bills cached prompt tokens at the cached rate', async () => {
      const event = usage({ promptTokens: 1000, cachedPromptTokens: 400, completionTokens: 6 });
      await ingest.ingest(event);
      const row = await prisma.usageRecord.findUniqueOrThrow({ where: { callId: event.callId } });
      // 600 × 0.27 + 400 × 0.07 = 190 per million
      expect(row.inputCost.toFixed()).toBe('0.00019');
      expect(row.totalCost.toFixed()).toBe('0.0001966');
      expect(row.cachedPromptTokens).toBe(400);
    });

    it('keeps the rollup an exact sum of its rows', async () => {
      for (let i = 0; i < 3; i++) await ingest.ingest(usage());
      await ingest.ingest(usage({ promptTokens: 1, completionTokens: 1 }));
      const rows = await prisma.usageRecord.findMany();
      const [rollup] = await rollups();
      expect(rollup.calls).toBe(4);
      expect(rollup.totalCost.toFixed()).toBe('0.00002684'); // 3 × 0.00000849 + 0.00000137
      expect(rows.reduce((sum, r) => sum.plus(r.totalCost), new Prisma.Decimal(0)).toFixed()).toBe(rollup.totalCost.toFixed());
    });

    it('rolls calls up per UTC day and per model', async () => {
      await ingest.ingest(usage({ startedAt: '2026-03-01T23:59:59.999Z' }));
      await ingest.ingest(usage({ startedAt: '2026-03-02T00:00:00.000Z' }));
      await ingest.ingest(usage({ model: 'unpriced-model', upstreamModel: 'unpriced-model', startedAt: '2026-03-02T08:00:00.000Z' }));
      expect((await rollups()).map((r) => [r.day.toISOString().slice(0, 10), r.model, r.calls])).toEqual([
        ['2026-03-01', 'mock-chat', 1],
        ['2026-03-02', 'mock-chat', 1],
        ['2026-03-02', 'unpriced-model', 1],
      ]);
    });

    it("uses a deployment's price override instead of the catalog", async () => {
      const event = usage({ priceOverride: { inputPerMillion: '1', outputPerMillion: '2', currency: 'EUR' } });
      await ingest.ingest(event);
      const row = await prisma.usageRecord.findUniqueOrThrow({ where: { callId: event.callId } });
      expect(row.totalCost.toFixed()).toBe('0.000019'); // 7 × 1 + 6 × 2 per million
      expect(row.currency).toBe('EUR');
      expect((await rollups())[0]).toMatchObject({ currency: 'EUR', calls: 1 });
    });

    it('prices by the upstream model when the public name is an alias', async () => {
      const event = usage({ model: 'my-team-alias', upstreamModel: 'mock-chat' });
      await ingest.ingest(event);
      const row = await prisma.usageRecord.findUniqueOrThrow({ where: { callId: event.callId } });
      expect(row.totalCost.toFixed()).toBe('0.00000849');
      expect(row.model).toBe('my-team-alias');
    });

    it('records a call to a model without a price at cost 0 rather than losing it', async () => {
      const event = usage({ model: 'brand-new-model', upstreamModel: 'brand-new-model' });
      await expect(ingest.ingest(event)).resolves.toBe('recorded');
      const row = await prisma.usageRecord.findUniqueOrThrow({ where: { callId: event.callId } });
      expect([row.inputCost.toFixed(), row.outputCost.toFixed(), row.totalCost.toFixed(), row.currency]).toEqual(['0', '0', '0', 'USD']);
      expect(row.totalTokens).toBe(13);
    });
  });

  describe('malformed events', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['negative tokens', { promptTokens: -1 }, 'promptTokens'],
      ['fractional tokens', { completionTokens: 1.5 }, 'completionTokens'],
      ['no call id', { callId: undefined }, 'callId'],
      ['an unknown status', { status: 'exploded' }, 'status'],
      [
        'an override price that is not a decimal string',
        { priceOverride: { inputPerMillion: 0.27, outputPerMillion: '1', currency: 'USD' } },
        'priceOverride.inputPerMillion',
      ],
    ])('rejects an event with %s as InvalidUsageEventError naming the field, writing nothing', async (_what, change, field) => {
      const err = await rejection(ingest.ingest({ ...usage(), ...change }));
      expect(err).toBeInstanceOf(InvalidUsageEventError);
      expect((err as InvalidUsageEventError).code).toBe('invalid_usage_event');
      expect(err.message).toContain(`${field}:`);
      expect(await prisma.usageRecord.count()).toBe(0);
    });

    it('rejects a payload that is not an object at all', async () => {
      expect(await rejection(ingest.ingest('not an event'))).toBeInstanceOf(InvalidUsageEventError);
      expect(await rejection(ingest.ingest(null))).toBeInstanceOf(InvalidUsageEventError);
    });

    // UsageConsumer drops InvalidUsageEventError (retrying cannot fix it) and retries anything
    // else, 20 times, with backoff. These events pass usageEventSchema but cannot be priced or
    // stored: ingest() throws a PricingError or a Prisma error instead, so each one is retried 20
    // times and then parked as a failed job; the call never reaches the ledger and the engine's
    // run-cost query waits its full wait_ms for it.
    it.each<[string, Record<string, unknown>, string]>([
      ['more cached than prompt tokens', { promptTokens: 5, cachedPromptTokens: 6 }, 'cachedPromptTokens'],
      ['a startedAt that is not a timestamp', { startedAt: 'yesterday' }, 'startedAt'],
      ['a lower-case override currency', { priceOverride: { inputPerMillion: '1', outputPerMillion: '2', currency: 'usd' } }, 'currency'],
    ])('rejects an event with %s as InvalidUsageEventError, not as a retryable error', async (_what, change, field) => {
      const err = await rejection(ingest.ingest({ ...usage(), ...change }));
      expect(err).toBeInstanceOf(InvalidUsageEventError);
      expect(err.message).toContain(field);
      expect(await prisma.usageRecord.count()).toBe(0);
    });
  });

  describe('RunCostController', () => {
    /** the verified call context the engine's signed header carries */
    const ctx = (runId: string, tenantId = 'ten_ledger') => ({
      tenantId,
      apiKeyId: null,
      runId,
      callId: null,
      nodeId: null,
      expiresAt: Date.now() + 60_000,
    });
    it("answers a run's totals from the ledger", async () => {
      const a = usage({ runId: 'run_cost_1' });
      const b = usage({ runId: 'run_cost_1' });
      await ingest.ingest(a);
      await ingest.ingest(b);
      await ingest.ingest(usage({ runId: 'run_other' }));
      const res = await new RunCostController(new RunCostService(ledger)).cost(
        ctx('run_cost_1'),
        'run_cost_1',
        `${a.callId},${b.callId}`,
        '0',
      );
      expect(res).toEqual({ run_id: 'run_cost_1', calls: 2, total_tokens: 26, total_price: '0.00001698', currency: 'USD', missing: [] });
    });

    it('names the expected calls that are not in the ledger when it may not wait', async () => {
      const a = usage({ runId: 'run_cost_2' });
      const late = usage({ runId: 'run_cost_2' });
      await ingest.ingest(a);
      const res = await new RunCostController(new RunCostService(ledger)).cost(
        ctx('run_cost_2'),
        'run_cost_2',
        `${a.callId},${late.callId}`,
        undefined,
      );
      expect(res).toMatchObject({ calls: 1, total_price: '0.00000849', missing: [late.callId] });
    });

    it("waits until every expected call is in the ledger, so a finished run's price is complete", async () => {
      const a = usage({ runId: 'run_cost_3' });
      const late = usage({ runId: 'run_cost_3' });
      await ingest.ingest(a);
      // the late event is ingested only after the controller has looked once and found it missing
      let looked!: () => void;
      const firstLook = new Promise<void>((r) => {
        looked = r;
      });
      const watching = new (class extends UsageLedgerRepository {
        override async runTotals(tenantId: string, runId: string, callIds: string[]) {
          const t = await super.runTotals(tenantId, runId, callIds);
          looked();
          return t;
        }
      })(prisma);
      const answer = new RunCostController(new RunCostService(watching)).cost(
        ctx('run_cost_3'),
        'run_cost_3',
        `${a.callId},${late.callId}`,
        '20000',
      );
      await firstLook;
      await ingest.ingest(late);
      await expect(answer).resolves.toEqual({
        run_id: 'run_cost_3',
        calls: 2,
        total_tokens: 26,
        total_price: '0.00001698',
        currency: 'USD',
        missing: [],
      });
    });

    it('answers an unknown run with zero in USD', async () => {
      await expect(
        new RunCostController(new RunCostService(ledger)).cost(ctx('run_never'), 'run_never', undefined, undefined),
      ).resolves.toEqual({
        run_id: 'run_never',
        calls: 0,
        total_tokens: 0,
        total_price: '0',
        currency: 'USD',
        missing: [],
      });
    });

    it("refuses a context signed for another run (403), and counts only the context's tenant's calls", async () => {
      const mine = usage({ runId: 'run_cost_4' });
      await ingest.ingest(mine);
      // another tenant's call that names the same run id
      await ingest.ingest(usage({ runId: 'run_cost_4', tenantId: 'ten_other' }));
      const controller = new RunCostController(new RunCostService(ledger));
      const refused = await rejection(controller.cost(ctx('run_cost_1'), 'run_cost_4', undefined, undefined));
      expect(refused).toBeInstanceOf(ApiError);
      expect((refused as ApiError).status).toBe(403);
      await expect(controller.cost(ctx('run_cost_4'), 'run_cost_4', mine.callId, undefined)).resolves.toMatchObject({
        calls: 1,
        total_tokens: 13,
        missing: [],
      });
      await expect(controller.cost(ctx('run_cost_4', 'ten_third'), 'run_cost_4', mine.callId, undefined)).resolves.toMatchObject({
        calls: 0,
        total_price: '0',
        missing: [mine.callId],
      });
    });
  });

  describe('tenant isolation', () => {
    it("lists only the given tenant's ledger rows, whatever run id is asked for", async () => {
      await ingest.ingest(usage({ runId: 'run_iso', tenantId: 'ten_a' }));
      await ingest.ingest(usage({ runId: 'run_iso', tenantId: 'ten_b' }));
      expect((await ledger.list('ten_a', { limit: 100 })).map((r) => r.tenantId)).toEqual(['ten_a']);
      expect((await ledger.list('ten_b', { runId: 'run_iso', limit: 100 })).map((r) => r.tenantId)).toEqual(['ten_b']);
      expect(await ledger.list('ten_c', { runId: 'run_iso', limit: 100 })).toEqual([]);
    });
  });
});
