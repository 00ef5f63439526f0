// A run's price is what model-pool priced its calls at, carried on each node's checkpoint; the
// ledger, written later in batches, reconciles with it, for a run that succeeded and for one whose
// stream broke midway (billed, so counted in the run too).
import { mockAnswer, mockTokenCount } from '@shoal/testing';
import { DEFAULT_PRICE_CATALOG, costOf, formatMoney } from '@shoal/pricing';
import { eventually } from '../support/shoal-flow';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
let workflowId: string;
beforeAll(async () => {
  s = await startInProcessServices('run_cost');
  const res = await fetch(`${s.url}/v1/workflows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'priced',
      graph: {
        nodes: [
          { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input', required: true }] } },
          { id: 'llm', data: { type: 'llm', model: { name: 'mock-chat' }, prompt_template: [{ role: 'user', text: '{{#start.q#}}' }] } },
          { id: 'end', data: { type: 'end', outputs: [{ variable: 'a', value_selector: ['llm', 'text'] }] } },
        ],
        edges: [
          { source: 'start', target: 'llm' },
          { source: 'llm', target: 'end' },
        ],
      },
    }),
  });
  workflowId = ((await res.json()) as { id: string }).id;
}, 90_000);
afterAll(() => s?.close());

/** a run, streamed (so the engine's call to model-pool streams too), to its end */
async function run(q: string): Promise<string> {
  const res = await fetch(`${s.url}/v1/workflows/${workflowId}/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: { q }, response_mode: 'streaming' }),
  });
  const text = await res.text();
  const id = /"workflow_run_id":"(run_[^"]+)"/.exec(text)?.[1] ?? /"id":"(run_[^"]+)"/.exec(text)?.[1];
  if (!id) throw new Error(`no run id in ${text.slice(0, 500)}`);
  return id;
}

/** the run's total_price and the sum of its ledger rows, once billing has caught up */
async function reconciled(runId: string): Promise<{ price: string; ledger: string; rows: number; nodeCost: string }> {
  const read = async () => {
    const [r] = await s.prisma.$queryRaw<Array<{ price: string; ledger: string; rows: number; node_cost: string }>>`
      SELECT trim_scale(r.total_price)::text AS price,
             (SELECT trim_scale(COALESCE(sum(u.total_cost), 0))::text FROM usage_records u WHERE u.run_id = r.id AND u.tenant_id = r.tenant_id) AS ledger,
             (SELECT count(*)::int FROM usage_records u WHERE u.run_id = r.id) AS rows,
             (SELECT trim_scale(COALESCE(sum(n.cost), 0))::text FROM node_executions n WHERE n.run_id = r.id) AS node_cost
      FROM workflow_runs r WHERE r.id = ${runId} AND r.finished_at IS NOT NULL`;
    return r;
  };
  const r = await eventually(read, (x) => x !== undefined && x.rows > 0);
  return { price: r.price, ledger: r.ledger, rows: r.rows, nodeCost: r.node_cost };
}

it('prices a run from its calls without asking billing, and the ledger agrees', async () => {
  const q = 'what does this cost?';
  const id = await run(q);
  const want = formatMoney(
    costOf(
      { promptTokens: mockTokenCount(q), completionTokens: mockTokenCount(mockAnswer(q)) },
      DEFAULT_PRICE_CATALOG.priceAt('mock-chat', new Date())!,
    ).total,
  );
  const r = await reconciled(id);
  expect(r).toEqual({ price: want, ledger: want, rows: 1, nodeCost: want });
});

it('counts a stream broken midway in the run as the ledger bills it', async () => {
  s.mock.setFaults({ cutAfterChunks: 2, times: 1 });
  const id = await run('one two three four five six seven eight nine ten');
  const status = (await s.prisma.workflowRun.findUniqueOrThrow({ where: { id } })).status;
  expect(status).toBe('failed');
  const r = await reconciled(id);
  expect(r.rows).toBe(1);
  expect(r.price).not.toBe('0');
  expect(r.price).toBe(r.ledger);
  expect(r.nodeCost).toBe(r.price);
  const [row] = await s.prisma.usageRecord.findMany({ where: { runId: id } });
  expect(row).toMatchObject({ status: 'interrupted', completionTokens: 2 });
});
