import { executeRun, type CodeSandbox, type CodeSandboxRequest } from '../index';
import { fakePorts, graph } from '../fake-ports.spec-helper';

/** Answers with what `answer` returns for each request, recording them. */
class FakeSandbox implements CodeSandbox {
  readonly requests: CodeSandboxRequest[] = [];
  constructor(private readonly answer: (req: CodeSandboxRequest) => unknown) {}
  async run(req: CodeSandboxRequest): Promise<unknown> {
    this.requests.push(req);
    return this.answer(req);
  }
}

const flow = (extra: Record<string, unknown> = {}) =>
  graph({
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } },
      {
        id: 'code',
        data: {
          type: 'code',
          code_language: 'python3',
          code: 'def main(arg1):\n    return {"result": arg1.upper()}',
          variables: [{ variable: 'arg1', value_selector: ['start', 'q'] }],
          outputs: { result: { type: 'string', children: null } },
          ...extra,
        },
      },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'out', value_selector: ['code', 'result'] }] } },
    ],
    edges: [
      { source: 'start', target: 'code' },
      { source: 'code', target: 'end' },
    ],
  });

const run = (sandbox: CodeSandbox | undefined, extra?: Record<string, unknown>) =>
  executeRun({
    runId: 'run_1',
    workflowId: 'wf_1',
    workflowVersionId: 'wfv_1',
    graph: flow(extra),
    inputs: { q: 'hello' },
    finished: [],
    ports: { ...fakePorts(), code: sandbox },
  });

describe('code node', () => {
  it('hands the sandbox its language, code and variables, and stores the checked outputs', async () => {
    const sandbox = new FakeSandbox((req) => ({ result: String(req.inputs.arg1).toUpperCase() }));
    const outcome = await run(sandbox);
    expect(outcome.status).toBe('succeeded');
    expect(outcome.outputs).toEqual({ out: 'HELLO' });
    expect(sandbox.requests[0]).toMatchObject({ language: 'python3', inputs: { arg1: 'hello' } });
  });

  it('fails the node naming the output that does not match its declaration', async () => {
    const outcome = await run(new FakeSandbox(() => ({ result: 42 })));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('Output result must be a string, got number instead.');
  });

  it("fails the node with the sandbox's error", async () => {
    const outcome = await run(
      new FakeSandbox(() => {
        throw new Error('ZeroDivisionError: division by zero (line 2)');
      }),
    );
    expect(outcome.error).toContain('ZeroDivisionError: division by zero (line 2)');
  });

  it('fails plainly where no sandbox is configured', async () => {
    const outcome = await run(undefined);
    expect(outcome.error).toContain('no code sandbox is configured');
  });

  it("takes Dify's default-value error strategy", async () => {
    const outcome = await run(new FakeSandbox(() => ({})), {
      error_strategy: 'default-value',
      default_value: [{ key: 'result', type: 'string', value: 'fallback' }],
    });
    expect(outcome.status).toBe('partial-succeeded');
    expect(outcome.outputs).toEqual({ out: 'fallback' });
  });
});
