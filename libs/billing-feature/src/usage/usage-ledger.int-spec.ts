import { InMemoryPriceFeed, InMemoryUsageLog, Prisma, configureRootLogger, createPrismaClient, type PrismaClient } from '@shoal/platform';
import { newId, type UsageEvent } from '@shoal/contracts';
import { DEFAULT_PRICE_CATALOG } from '@shoal/pricing';
import { createTestDatabase, type TestDatabase } from '@shoal/testing';
import { PriceBook } from '../prices/price-book';
import { PricesRepository } from '../prices/prices.repository';
import { buildUsageBatch } from './usage-batch';
import { UsageLedgerRepository } from './usage-ledger.repository';
import { DEFAULT_USAGE_CONSUMER_OPTIONS, UsageConsumer } from './usage.consumer';
import { entry, usageEvent } from './usage-fixtures.spec-helper';

// the `int` project's testTimeout is not applied per project by Jest; a generous guard, not a speed claim
jest.setTimeout(30_000);

describe('usage ledger (real Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let ledger: UsageLedgerRepository;
  let entrySeq = 0;

  /** Writes events to the ledger as one batch, as the consumer does. */
  const record = (events: ReadonlyArray<UsageEvent | Record<string, unknown>>) =>
    ledger.recordBatch(
      buildUsageBatch(
        events.map((e) => entry(`${++entrySeq}-0`, e)),
        DEFAULT_PRICE_CATALOG,
      ).rows,
    );

  beforeAll(async () => {
    configureRootLogger({ service: 'test', level: 'silent' });
    db = await createTestDatabase('billing-ledger');
    prisma = createPrismaClient({ url: db.url, maxConnections: 10 });
    ledger = new UsageLedgerRepository(prisma);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  beforeEach(async () => {
    await prisma.$executeRaw`TRUNCATE usage_records, usage_daily_rollups, tenants CASCADE`;
  });

  const rollups = () => prisma.usageDailyRollup.findMany({ orderBy: [{ day: 'asc' }, { model: 'asc' }] });

  describe('exactly once', () => {
    it('writes a batch as rows and moves the rollup by exactly those rows', async () => {
      const events = [
        usageEvent(),
        usageEvent(),
        usageEvent({
          promptTokens: 1,
          completionTokens: 1,
          cost: { input: '0.00000027', output: '0.0000011', total: '0.00000137', currency: 'USD' },
        }),
      ];
      expect(await record(events)).toBe(3);
      const rows = await prisma.usageRecord.findMany();
      expect(rows).toHaveLength(3);
      const [rollup, ...more] = await rollups();
      expect(more).toHaveLength(0);
      expect(rollup).toMatchObject({
        tenantId: 'ten_ledger',
        model: 'mock-chat',
        currency: 'USD',
        calls: 3,
        promptTokens: 15n,
        completionTokens: 13n,
      });
      expect(rollup.day.toISOString()).toBe('2026-03-01T00:00:00.000Z');
      expect(rollup.totalCost.toFixed()).toBe('0.00001835');
      expect(rows.reduce((sum, r) => sum.plus(r.totalCost), new Prisma.Decimal(0)).toFixed()).toBe(rollup.totalCost.toFixed());
      expect(rows.find((r) => r.callId === events[0].callId)).toMatchObject({
        attempt: 1,
        totalTokens: 13,
        estimated: false,
        status: 'succeeded',
      });
    });

    it('drops a redelivered batch whole, leaving the rollups alone', async () => {
      const events = [usageEvent(), usageEvent()];
      expect(await record(events)).toBe(2);
      expect(await record(events.map((e) => ({ ...e, promptTokens: 9999 })))).toBe(0);
      expect(await prisma.usageRecord.count()).toBe(2);
      expect((await rollups())[0]).toMatchObject({ calls: 2, promptTokens: 14n });
    });

    it('inserts only the new rows of a batch that overlaps one already committed, and rolls up only those', async () => {
      const [a, b, c] = [usageEvent(), usageEvent(), usageEvent()];
      await record([a, b]);
      expect(await record([b, c, a])).toBe(1);
      expect(await prisma.usageRecord.count()).toBe(3);
      expect((await rollups())[0]).toMatchObject({ calls: 3, promptTokens: 21n });
    });

    it('records each attempt of a call as its own row', async () => {
      const first = usageEvent();
      await record([first, { ...first, attempt: 2 }]);
      expect((await prisma.usageRecord.findMany({ orderBy: { attempt: 'asc' } })).map((r) => [r.callId, r.attempt])).toEqual([
        [first.callId, 1],
        [first.callId, 2],
      ]);
    });

    it('keeps the ledger exact when two writers commit overlapping batches at once', async () => {
      const events = Array.from({ length: 200 }, () => usageEvent());
      const results = await Promise.all([record(events), record([...events].reverse()), record(events.slice(50, 150))]);
      expect(results.reduce((n, x) => n + x, 0)).toBe(200);
      expect(await prisma.usageRecord.count()).toBe(200);
      const [rollup] = await rollups();
      expect(rollup.calls).toBe(200);
      expect(rollup.totalCost.toFixed()).toBe('0.001698');
    });

    it('rolls calls up per UTC day, model and currency', async () => {
      await record([
        usageEvent({ startedAt: '2026-03-01T23:59:59.999Z' }),
        usageEvent({ startedAt: '2026-03-02T00:00:00.000Z' }),
        usageEvent({ model: 'unpriced-model', upstreamModel: 'unpriced-model', cost: null, startedAt: '2026-03-02T08:00:00.000Z' }),
        usageEvent({ cost: { input: '1', output: '2', total: '3', currency: 'EUR' }, startedAt: '2026-03-02T09:00:00.000Z' }),
      ]);
      expect((await rollups()).map((r) => [r.day.toISOString().slice(0, 10), r.model, r.currency, r.calls, r.totalCost.toFixed()])).toEqual(
        [
          ['2026-03-01', 'mock-chat', 'USD', 1, '0.00000849'],
          ['2026-03-02', 'mock-chat', 'EUR', 1, '3'],
          ['2026-03-02', 'mock-chat', 'USD', 1, '0.00000849'],
          ['2026-03-02', 'unpriced-model', 'USD', 1, '0'],
        ],
      );
    });
  });

  describe('pricing', () => {
    it('keeps the cost priced at the call site', async () => {
      const event = usageEvent({ cost: { input: '0.1', output: '0.2', total: '0.3', currency: 'USD' } });
      await record([event]);
      const row = await prisma.usageRecord.findFirstOrThrow({ where: { callId: event.callId } });
      expect([row.inputCost.toFixed(), row.outputCost.toFixed(), row.totalCost.toFixed()]).toEqual(['0.1', '0.2', '0.3']);
    });

    it('prices an estimate (a reaped intent) from the catalog: cached tokens at the cached rate, overrides first', async () => {
      const cached = usageEvent({
        cost: null,
        promptTokens: 1000,
        cachedPromptTokens: 400,
        completionTokens: 6,
        estimated: true,
        status: 'interrupted',
      });
      const override = usageEvent({ cost: null, priceOverride: { inputPerMillion: '1', outputPerMillion: '2', currency: 'EUR' } });
      await record([cached, override]);
      const a = await prisma.usageRecord.findFirstOrThrow({ where: { callId: cached.callId } });
      // 600 × 0.27 + 400 × 0.07 = 190 per million
      expect([a.inputCost.toFixed(), a.totalCost.toFixed(), a.estimated, a.status]).toEqual(['0.00019', '0.0001966', true, 'interrupted']);
      const b = await prisma.usageRecord.findFirstOrThrow({ where: { callId: override.callId } });
      expect([b.totalCost.toFixed(), b.currency]).toEqual(['0.000019', 'EUR']);
    });
  });

  describe('reconciliation', () => {
    /** a finished run whose engine summed `total` from its nodes' costs */
    async function finishedRun(total: string, tenantId = 'ten_ledger'): Promise<string> {
      const runId = newId('run');
      await prisma.tenant.upsert({ where: { id: tenantId }, create: { id: tenantId, name: tenantId }, update: {} });
      const wf = await prisma.workflow.create({ data: { id: newId('wf'), tenantId, name: 'wf' } });
      const version = await prisma.workflowVersion.create({
        data: { id: newId('wfv'), tenantId, workflowId: wf.id, number: 1, graph: {}, checksum: 'x' },
      });
      await prisma.workflowRun.create({
        data: {
          id: runId,
          tenantId,
          workflowId: wf.id,
          workflowVersionId: version.id,
          status: 'succeeded',
          inputs: {},
          totalPrice: total,
          finishedAt: new Date(),
        },
      });
      return runId;
    }

    it('finds no difference once every call of a run is in the ledger, and names the run whose ledger is short', async () => {
      const whole = await finishedRun('0.00001698');
      const short = await finishedRun('0.00001698');
      await record([usageEvent({ runId: whole }), usageEvent({ runId: whole }), usageEvent({ runId: short })]);
      expect(await ledger.reconcileRuns('ten_ledger', [whole, short])).toEqual([
        { runId: short, runTotal: '0.00001698', ledgerTotal: '0.00000849', ledgerRows: 1 },
      ]);
      await record([usageEvent({ runId: short })]);
      expect(await ledger.reconcileRuns('ten_ledger', [whole, short])).toEqual([]);
    });

    it("counts only the run's own tenant's rows", async () => {
      const run = await finishedRun('0.00000849');
      await record([usageEvent({ runId: run }), usageEvent({ runId: run, tenantId: 'ten_other' })]);
      expect(await ledger.reconcileRuns('ten_ledger', [run])).toEqual([]);
      expect(await ledger.reconcileRuns('ten_other', [run])).toEqual([]); // not ten_other's run at all
    });
  });

  describe('the consumer', () => {
    it('moves entries from the log to the ledger in batches and acknowledges them only after the commit', async () => {
      const log = new InMemoryUsageLog();
      const prices = new PriceBook(new PricesRepository(prisma), new InMemoryPriceFeed());
      const consumer = new UsageConsumer(log, ledger, prices, { ...DEFAULT_USAGE_CONSUMER_OPTIONS, batchSize: 50, blockMs: 20 });
      const events = Array.from({ length: 120 }, () => usageEvent());
      for (const e of events) await log.complete(`${e.callId}#1`, JSON.stringify(e));
      await log.complete('junk#1', '{"not":"an event"}');
      await consumer.onApplicationBootstrap();
      const until = Date.now() + 20_000;
      while ((await log.backlog()) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await consumer.beforeApplicationShutdown();
      expect(await log.backlog()).toBe(0);
      expect(await prisma.usageRecord.count()).toBe(120);
      expect((await rollups())[0].calls).toBe(120);
    });

    it('writes what is left in the log to the ledger when it stops (the in-process log does not survive the process)', async () => {
      const log = new InMemoryUsageLog();
      const prices = new PriceBook(new PricesRepository(prisma), new InMemoryPriceFeed());
      // no batch loops: nothing is read before the stop
      const consumer = new UsageConsumer(log, ledger, prices, { ...DEFAULT_USAGE_CONSUMER_OPTIONS, concurrency: 0, batchSize: 7 });
      await consumer.onApplicationBootstrap();
      for (const e of Array.from({ length: 30 }, () => usageEvent())) await log.complete(`${e.callId}#1`, JSON.stringify(e));
      await consumer.beforeApplicationShutdown();
      expect(await log.backlog()).toBe(0);
      expect(await prisma.usageRecord.count()).toBe(30);
    });

    it('leaves a batch unacknowledged when the write fails, so it is written when claimed again', async () => {
      const log = new InMemoryUsageLog();
      const failing = new (class extends UsageLedgerRepository {
        override async recordBatch(): Promise<number> {
          throw new Error('database down');
        }
      })(prisma);
      const consumer = new UsageConsumer(
        log,
        failing,
        new PriceBook(new PricesRepository(prisma), new InMemoryPriceFeed()),
        DEFAULT_USAGE_CONSUMER_OPTIONS,
      );
      const e = usageEvent();
      await log.complete(`${e.callId}#1`, JSON.stringify(e));
      const entries = await log.read('c', 10, 0);
      await expect(consumer.ingest(entries, DEFAULT_PRICE_CATALOG)).rejects.toThrow('database down');
      expect(await log.backlog()).toBe(1);
      const again = await log.claim('c2', 0, 10);
      await new UsageConsumer(
        log,
        ledger,
        new PriceBook(new PricesRepository(prisma), new InMemoryPriceFeed()),
        DEFAULT_USAGE_CONSUMER_OPTIONS,
      ).ingest(again, DEFAULT_PRICE_CATALOG);
      expect(await log.backlog()).toBe(0);
      expect(await prisma.usageRecord.count()).toBe(1);
    });
  });

  describe('tenant isolation', () => {
    it("lists only the given tenant's ledger rows, whatever run id is asked for", async () => {
      await record([usageEvent({ runId: 'run_iso', tenantId: 'ten_a' }), usageEvent({ runId: 'run_iso', tenantId: 'ten_b' })]);
      expect((await ledger.list('ten_a', { limit: 100 })).map((r) => r.tenantId)).toEqual(['ten_a']);
      expect((await ledger.list('ten_b', { runId: 'run_iso', limit: 100 })).map((r) => r.tenantId)).toEqual(['ten_b']);
      expect(await ledger.list('ten_c', { runId: 'run_iso', limit: 100 })).toEqual([]);
    });
  });
});
