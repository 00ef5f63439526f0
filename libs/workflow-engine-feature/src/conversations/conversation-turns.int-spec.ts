// The engine's side of a conversation against real Postgres: a run's turn is written once, however
// many times the run ends (a resume after a crash, two deliveries at once), and a run reads the
// conversation as it was before its own turn.
import { newId } from '@shoal/contracts';
import { createPrismaClient, type PrismaClient } from '@shoal/platform';
import { createTestDatabase, type TestDatabase } from '@shoal/testing';
import { ConversationTurnsRepository, type TurnRecord } from './conversation-turns.repository';

let db: TestDatabase;
let prisma: PrismaClient;
let repo: ConversationTurnsRepository;
let tenantId: string;
let workflowId: string;

beforeAll(async () => {
  db = await createTestDatabase('conv_turns');
  prisma = createPrismaClient({ url: db.url, maxConnections: 4 });
  repo = new ConversationTurnsRepository(prisma);
  tenantId = newId('ten');
  workflowId = newId('wf');
  await prisma.tenant.create({ data: { id: tenantId, name: 't' } });
  await prisma.workflow.create({ data: { id: workflowId, tenantId, name: 'w' } });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

async function conversation(): Promise<string> {
  const id = newId('conv');
  await prisma.conversation.create({ data: { id, tenantId, workflowId, variables: { n: 0 } } });
  return id;
}

const turnOf = (conversationId: string, n: number, query = `q${n}`): TurnRecord => ({
  runId: newId('run'),
  messageId: newId('msg'),
  conversationId,
  query,
  answer: `a${n}`,
  status: 'succeeded',
  error: null,
  createdAt: new Date(Date.now() + n),
  variables: { n },
});
const tokens = { prompt: 3, completion: 2, total: 5 };

describe('ConversationTurnsRepository', () => {
  it('writes a run’s turn and variables once, even when the run ends twice at once or again after a resume', async () => {
    const id = await conversation();
    const t = turnOf(id, 1);
    const first = await Promise.all([repo.writeTurn(tenantId, t, tokens), repo.writeTurn(tenantId, t, tokens)]);
    expect(first.sort()).toEqual([false, true]);
    // the resumed attempt ends with other variables: nothing changes
    expect(await repo.writeTurn(tenantId, { ...t, variables: { n: 99 } }, tokens)).toBe(false);
    expect(await prisma.message.count({ where: { conversationId: id } })).toBe(1);
    expect(await prisma.conversation.findUnique({ where: { id } })).toMatchObject({ dialogueCount: 1, variables: { n: 1 } });
  });

  it('loads the turns before the run, oldest first and bounded, and does not count a resumed run’s own turn', async () => {
    const id = await conversation();
    const turns = [1, 2, 3].map((n) => turnOf(id, n));
    for (const t of turns) await repo.writeTurn(tenantId, t, tokens);
    const next = newId('run');
    expect(await repo.load(tenantId, id, next, 2)).toEqual({
      variables: { n: 3 },
      dialogueCount: 3,
      history: [
        { query: 'q2', answer: 'a2' },
        { query: 'q3', answer: 'a3' },
      ],
    });
    // the third run resumed after its turn was written: it sees the conversation as before its turn
    const resumed = await repo.load(tenantId, id, turns[2].runId, 10);
    expect(resumed?.dialogueCount).toBe(2);
    expect(resumed?.history.map((h) => h.query)).toEqual(['q1', 'q2']);
    // another tenant's conversation is not there
    expect(await repo.load(newId('ten'), id, next, 10)).toBeNull();
  });

  it('sums a run’s tokens over its node executions', async () => {
    expect(await repo.runTokens(tenantId, newId('run'))).toEqual({ prompt: 0, completion: 0, total: 0 });
  });
});
