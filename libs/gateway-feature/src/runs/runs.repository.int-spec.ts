import { createPrismaClient, type PrismaClient } from '@shoal/platform';
import { createTestDatabase, type TestDatabase } from '@shoal/testing';
import { RunsRepository } from './runs.repository';
import { WorkflowsRepository } from '../workflows/workflows.repository';

// the `int` project's testTimeout is not applied per project by Jest; a generous guard, not a speed claim
jest.setTimeout(30_000);

describe('RunsRepository (real Postgres): the run row written and read by raw SQL', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let runs: RunsRepository;

  beforeAll(async () => {
    db = await createTestDatabase('runs-repository');
    prisma = createPrismaClient({ url: db.url, maxConnections: 4 });
    runs = new RunsRepository(prisma);
    await prisma.tenant.createMany({
      data: [
        { id: 'ten_a', name: 'a' },
        { id: 'ten_b', name: 'b' },
      ],
    });
    await prisma.workflow.create({ data: { id: 'wf_a', tenantId: 'ten_a', name: 'w' } });
    await prisma.workflowVersion.create({
      data: { id: 'wfv_a', tenantId: 'ten_a', workflowId: 'wf_a', number: 1, graph: {}, checksum: 'x' },
    });
    await prisma.workflow.update({ where: { id: 'wf_a' }, data: { latestVersionId: 'wfv_a' } });
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  const base = {
    workflowId: 'wf_a',
    workflowVersionId: 'wfv_a',
    apiKeyId: null as unknown as string,
    inputs: { q: 'hello', n: 2, nested: { list: [1, 'two', null] } },
    responseMode: 'blocking',
    endUser: 'user-1',
    traceId: null,
  };

  it('answers the queued run exactly as Prisma reads it back (every field, its type included)', async () => {
    const created = await runs.createQueued('ten_a', { ...base, id: 'run_raw1', files: [{ type: 'image', url: 'https://x/y.png' }] });
    const prismaRow = await prisma.workflowRun.findFirst({ where: { id: 'run_raw1' } });
    expect(created).toEqual(prismaRow);
    expect(created).not.toBe('duplicate');
    if (typeof created === 'string') return;
    expect(Object.keys(created).sort()).toEqual(Object.keys(prismaRow ?? {}).sort());
    expect(created.status).toBe('queued');
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(created.updatedAt.getTime()).toBe(created.createdAt.getTime());
    expect(created.files).toEqual([{ type: 'image', url: 'https://x/y.png' }]);
  });

  it('reads and lists a partially succeeded run under Prisma’s name for the status', async () => {
    await runs.createQueued('ten_a', { ...base, id: 'run_partial' });
    await prisma.workflowRun.update({ where: { id: 'run_partial' }, data: { status: 'partial_succeeded', finishedAt: new Date() } });
    const raw = await runs.find('ten_a', 'run_partial');
    expect(raw).toEqual(await prisma.workflowRun.findFirst({ where: { id: 'run_partial' } }));
    expect(raw?.status).toBe('partial_succeeded');
    const listed = await runs.listForWorkflow('ten_a', 'wf_a', { status: 'partial_succeeded', offset: 0, limit: 10 });
    expect(listed.runs.map((r) => r.id)).toEqual(['run_partial']);
    expect(listed.total).toBe(1);
    const latest = await runs.latestOfWorkflows('ten_a', ['wf_a'], 5, 'partial_succeeded');
    expect(latest.map((r) => r.id)).toEqual(['run_partial']);
  });

  it('reads a finished run as Prisma does, and no other tenant’s', async () => {
    await runs.createQueued('ten_a', { ...base, id: 'run_raw2' });
    await prisma.workflowRun.update({
      where: { id: 'run_raw2' },
      data: {
        status: 'succeeded',
        outputs: { a: 'done' },
        totalTokens: 12,
        totalSteps: 3,
        totalPrice: '0.000123456789',
        elapsedMs: 40,
        startedAt: new Date(),
        finishedAt: new Date(),
        lastEventSeq: 7,
      },
    });
    const raw = await runs.find('ten_a', 'run_raw2');
    expect(raw).toEqual(await prisma.workflowRun.findFirst({ where: { id: 'run_raw2' } }));
    expect(raw?.files).toBeNull();
    expect(raw?.totalPrice.toString()).toBe('0.000123456789');
    expect(await runs.find('ten_b', 'run_raw2')).toBeNull();
    expect(await runs.find('ten_a', 'run_missing')).toBeNull();
  });

  it('finds a workflow’s latest version in one statement, with its graph parsed and its times as dates', async () => {
    await prisma.workflow.update({ where: { id: 'wf_a' }, data: { latestVersionId: 'wfv_a' } });
    const workflows = new WorkflowsRepository(prisma);
    const version = await prisma.workflowVersion.findUniqueOrThrow({ where: { id: 'wfv_a' } });
    const wf = await prisma.workflow.findUniqueOrThrow({ where: { id: 'wf_a' } });
    expect(await workflows.findLatest('ten_a', 'wf_a')).toEqual({
      id: 'wf_a',
      name: 'w',
      description: wf.description,
      createdAt: wf.createdAt,
      version: { id: 'wfv_a', number: 1, graph: {}, createdAt: version.createdAt },
    });
    expect(await workflows.findLatest('ten_b', 'wf_a')).toBeNull();
  });

  it('a second run under the same Idempotency-Key is a duplicate; without a key runs never conflict', async () => {
    expect(await runs.createQueued('ten_a', { ...base, id: 'run_idem1', idempotencyKey: 'k1' })).not.toBe('duplicate');
    expect(await runs.createQueued('ten_a', { ...base, id: 'run_idem2', idempotencyKey: 'k1' })).toBe('duplicate');
    expect(await prisma.workflowRun.count({ where: { id: 'run_idem2' } })).toBe(0);
    expect(await runs.createQueued('ten_a', { ...base, id: 'run_nokey1' })).not.toBe('duplicate');
    expect(await runs.createQueued('ten_a', { ...base, id: 'run_nokey2', idempotencyKey: null })).not.toBe('duplicate');
  });

  it('writes nothing for a version that is no longer the latest, nor for an archived workflow: a cached start is refused', async () => {
    await prisma.workflow.create({ data: { id: 'wf_v', tenantId: 'ten_a', name: 'versions' } });
    await prisma.workflowVersion.createMany({
      data: [1, 2].map((n) => ({ id: `wfv_v${n}`, tenantId: 'ten_a', workflowId: 'wf_v', number: n, graph: {}, checksum: `${n}` })),
    });
    await prisma.workflow.update({ where: { id: 'wf_v' }, data: { latestVersionId: 'wfv_v1' } });
    const on = (version: string, id: string, idempotencyKey: string | null = null) =>
      runs.createQueued('ten_a', { ...base, workflowId: 'wf_v', workflowVersionId: version, id, idempotencyKey });

    expect(await on('wfv_v1', 'run_v1')).toMatchObject({ id: 'run_v1', workflowVersionId: 'wfv_v1' });
    // version 2 published since (by another replica): a start from the cached version 1 is refused, with or without a key
    await prisma.workflow.update({ where: { id: 'wf_v' }, data: { latestVersionId: 'wfv_v2' } });
    expect(await on('wfv_v1', 'run_v1_stale')).toBe('not_latest');
    expect(await on('wfv_v1', 'run_v1_stale_key', 'stale-key')).toBe('not_latest');
    expect(await on('wfv_v2', 'run_v2', 'stale-key')).toMatchObject({ id: 'run_v2', workflowVersionId: 'wfv_v2' });
    // the key's run exists now: a duplicate, not a stale version
    expect(await on('wfv_v2', 'run_v2_again', 'stale-key')).toBe('duplicate');
    expect(await on('wfv_nope', 'run_no_version')).toBe('not_latest');
    await prisma.workflow.update({ where: { id: 'wf_v' }, data: { archivedAt: new Date() } });
    expect(await on('wfv_v2', 'run_archived')).toBe('not_latest');
    const written = await prisma.workflowRun.findMany({ where: { workflowId: 'wf_v' }, select: { id: true }, orderBy: { id: 'asc' } });
    expect(written.map((r) => r.id)).toEqual(['run_v1', 'run_v2']);
  });
});
