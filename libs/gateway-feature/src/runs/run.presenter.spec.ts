import { Prisma } from '@shoal/platform';
import { presentRun, presentRunWithNodes } from './run.presenter';
import type { RunRow, RunWithNodes } from './runs.repository';

function runRow(over: Partial<RunRow> = {}): RunRow {
  return {
    id: 'run_01',
    tenantId: 'ten_01',
    workflowId: 'wf_01',
    workflowVersionId: 'wfv_01',
    apiKeyId: 'key_01',
    status: 'succeeded',
    responseMode: 'blocking',
    inputs: { question: 'Why?' },
    outputs: { answer: 'Because.' },
    error: null,
    endUser: null,
    conversationId: null,
    query: null,
    messageId: null,
    totalTokens: 13,
    totalSteps: 3,
    totalPrice: new Prisma.Decimal('0.000008490000'),
    currency: 'USD',
    elapsedMs: 420,
    attempts: 1,
    workerId: 'engine-1',
    traceId: null,
    idempotencyKey: null,
    lastEventSeq: 9,
    files: null,
    cancelRequestedAt: null,
    callDepth: 0,
    createdAt: new Date('2026-03-01T12:00:00.000Z'),
    startedAt: new Date('2026-03-01T12:00:00.100Z'),
    finishedAt: new Date('2026-03-01T12:00:00.520Z'),
    updatedAt: new Date('2026-03-01T12:00:00.520Z'),
    ...over,
  };
}

describe('presentRun', () => {
  it('shows a finished run the way the API documents it', () => {
    expect(presentRun(runRow())).toEqual({
      id: 'run_01',
      object: 'workflow_run',
      workflow_id: 'wf_01',
      workflow_version_id: 'wfv_01',
      status: 'succeeded',
      conversation_id: null,
      message_id: null,
      inputs: { question: 'Why?' },
      outputs: { answer: 'Because.' },
      error: null,
      elapsed_ms: 420,
      total_tokens: 13,
      total_steps: 3,
      total_price: '0.00000849',
      currency: 'USD',
      created_at: '2026-03-01T12:00:00.000Z',
      started_at: '2026-03-01T12:00:00.100Z',
      finished_at: '2026-03-01T12:00:00.520Z',
    });
  });

  it("spells partial success as Dify does: 'partial-succeeded'", () => {
    expect(presentRun(runRow({ status: 'partial_succeeded' })).status).toBe('partial-succeeded');
  });

  it('writes prices as plain decimal strings: never exponent notation, never a float', () => {
    expect(presentRun(runRow({ totalPrice: new Prisma.Decimal('1e-12') })).total_price).toBe('0.000000000001');
    expect(presentRun(runRow({ totalPrice: new Prisma.Decimal('123456789012.123456789012') })).total_price).toBe(
      '123456789012.123456789012',
    );
    expect(presentRun(runRow({ totalPrice: new Prisma.Decimal(0) })).total_price).toBe('0');
  });

  it('shows a queued run with nulls where nothing has happened yet', () => {
    const out = presentRun(runRow({ status: 'queued', outputs: null, startedAt: null, finishedAt: null, elapsedMs: null }));
    expect(out).toMatchObject({ status: 'queued', outputs: null, started_at: null, finished_at: null, elapsed_ms: null });
  });
});

describe('presentRunWithNodes', () => {
  it('lists node executions in the order given, with their own status and tokens', () => {
    const node = {
      id: 'nex_1',
      tenantId: 'ten_01',
      runId: 'run_01',
      nodeId: 'llm',
      executionKey: 'llm',
      nodeType: 'llm',
      title: 'Answer',
      index: 2,
      predecessorNodeId: 'start',
      iterationIndex: null,
      attempt: 0,
      callId: 'run_01:llm:0',
      status: 'succeeded' as const,
      inputs: null,
      processData: null,
      outputs: { text: 'Because.' },
      error: null,
      promptTokens: 7,
      completionTokens: 6,
      totalTokens: 13,
      cost: new Prisma.Decimal('0.00000849'),
      currency: 'USD',
      elapsedMs: 300,
      startedAt: new Date('2026-03-01T12:00:00.150Z'),
      finishedAt: new Date('2026-03-01T12:00:00.450Z'),
    };
    const run: RunWithNodes = { ...runRow(), nodeExecutions: [node] };
    const out = presentRunWithNodes(run);
    expect(out.status).toBe('succeeded');
    expect(out.node_executions).toEqual([
      {
        id: 'nex_1',
        node_id: 'llm',
        node_type: 'llm',
        title: 'Answer',
        index: 2,
        predecessor_node_id: 'start',
        attempt: 0,
        status: 'succeeded',
        inputs: null,
        outputs: { text: 'Because.' },
        error: null,
        elapsed_ms: 300,
        prompt_tokens: 7,
        completion_tokens: 6,
        total_tokens: 13,
        started_at: '2026-03-01T12:00:00.150Z',
        finished_at: '2026-03-01T12:00:00.450Z',
      },
    ]);
  });
});
