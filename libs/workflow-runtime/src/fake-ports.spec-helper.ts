// Small fakes of the ports for this lib's specs. Not exported: apps test against their real adapters.
import type { RunEventBody } from '@shoal/contracts';
import { parseWorkflowGraph, type WorkflowGraph } from '@shoal/workflow-dsl';
import type {
  CheckpointStore,
  Clock,
  EventSink,
  LlmChatRequest,
  LlmChatResult,
  LlmPort,
  NodeExecutionFinish,
  NodeExecutionStart,
} from './ports';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise chain run (setImmediate runs after the microtask queue drains). */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

export function graph(input: unknown): WorkflowGraph {
  const result = parseWorkflowGraph(input);
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
  return result.graph;
}

export function llmResult(text: string, promptTokens = 10, completionTokens = 5): LlmChatResult {
  return {
    text,
    usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
    model: 'mock-chat',
    finishReason: 'stop',
  };
}

/** Answers "<model> says: <last message>" unless a handler is set; records every request. */
export class FakeLlm implements LlmPort {
  readonly calls: LlmChatRequest[] = [];
  handler: (req: LlmChatRequest) => LlmChatResult | Promise<LlmChatResult> = (req) =>
    llmResult(`${req.model} says: ${req.messages[req.messages.length - 1].content}`);

  constructor(private readonly journal: string[] = []) {}

  async chat(req: LlmChatRequest): Promise<LlmChatResult> {
    this.calls.push(req);
    this.journal.push(`llm:${req.nodeId}`);
    return this.handler(req);
  }
}

export class FakeCheckpoints implements CheckpointStore {
  readonly started: NodeExecutionStart[] = [];
  readonly finished: NodeExecutionFinish[] = [];
  /** Lets a test hold or fail a node's commit. */
  onFinished: (rec: NodeExecutionFinish) => Promise<void> | void = () => undefined;

  constructor(private readonly journal: string[] = []) {}

  async nodeStarted(rec: NodeExecutionStart): Promise<void> {
    this.started.push(rec);
    this.journal.push(`started:${rec.nodeId}`);
  }

  async nodeFinished(rec: NodeExecutionFinish): Promise<void> {
    await this.onFinished(rec);
    this.finished.push(rec);
    this.journal.push(`committed:${rec.nodeId}`);
  }
}

export class FakeEvents implements EventSink {
  readonly events: RunEventBody[] = [];

  constructor(private readonly journal: string[] = []) {}

  emit(body: RunEventBody): void {
    this.events.push(body);
    this.journal.push(`event:${body.event}${'node_id' in body.data ? `:${body.data.node_id}` : ''}`);
  }

  names(): string[] {
    return this.events.map((e) => ('node_id' in e.data ? `${e.event}:${e.data.node_id}` : e.event));
  }

  find<E extends RunEventBody['event']>(event: E, nodeId?: string): Extract<RunEventBody, { event: E }> {
    const found = this.events.find(
      (e) => e.event === event && (nodeId === undefined || ('node_id' in e.data && e.data.node_id === nodeId)),
    );
    if (!found) throw new Error(`no ${event} event${nodeId ? ` for ${nodeId}` : ''}; got ${this.names().join(', ')}`);
    return found as Extract<RunEventBody, { event: E }>;
  }
}

export class FakeClock implements Clock {
  constructor(public ms = 1_700_000_000_000) {}
  now(): number {
    return this.ms;
  }
}

export function fakePorts() {
  const journal: string[] = [];
  return {
    journal,
    llm: new FakeLlm(journal),
    checkpoints: new FakeCheckpoints(journal),
    events: new FakeEvents(journal),
    clock: new FakeClock(),
  };
}
