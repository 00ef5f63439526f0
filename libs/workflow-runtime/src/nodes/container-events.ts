// The events of an iteration or loop node, shaped as Dify's iteration_* / loop_* stream responses.
import type { ContainerCompletedData, ContainerNextData, ContainerStartedData, NodeStatus } from '@shoal/contracts';
import type { IterationNode, LoopNode } from '@shoal/workflow-dsl';
import type { NodeRunContext } from '../node-executor';
import { keepShapes } from '../kept-shapes';

const seconds = (ms: number) => Math.floor(ms / 1000);

/** One container execution's events: started once, next per round, completed once. */
export class ContainerEvents {
  private readonly startedAt: number;
  private readonly kind: 'iteration' | 'loop';

  constructor(
    private readonly node: IterationNode | LoopNode,
    private readonly ctx: NodeRunContext,
  ) {
    this.startedAt = ctx.scopes.now();
    this.kind = node.data.type;
  }

  started(inputs: Record<string, unknown>, metadata: Record<string, unknown>): Promise<void> | undefined {
    const { ctx, node } = this;
    const data: ContainerStartedData = {
      id: ctx.executionId,
      node_id: node.id,
      node_type: this.kind,
      title: node.data.title,
      created_at: seconds(this.startedAt),
      extras: {},
      metadata,
      inputs,
    };
    return ctx.scopes.emit(this.kind === 'iteration' ? { event: 'iteration_started', data } : { event: 'loop_started', data });
  }

  /** A round is about to run; one literal per round, of one shape for each kind. */
  next(index: number, preLoopOutput?: Record<string, unknown>): Promise<void> | undefined {
    const { ctx, node } = this;
    const createdAt = seconds(ctx.scopes.now());
    const data: ContainerNextData = preLoopOutput
      ? {
          id: ctx.executionId,
          node_id: node.id,
          node_type: this.kind,
          title: node.data.title,
          index,
          created_at: createdAt,
          extras: {},
          pre_loop_output: preLoopOutput,
        }
      : { id: ctx.executionId, node_id: node.id, node_type: this.kind, title: node.data.title, index, created_at: createdAt, extras: {} };
    return ctx.scopes.emit(this.kind === 'iteration' ? { event: 'iteration_next', data } : { event: 'loop_next', data });
  }

  completed(c: {
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown> | null;
    status: Extract<NodeStatus, 'succeeded' | 'failed'>;
    error: string | null;
    tokens: number;
    steps: number;
    metadata: Record<string, unknown>;
  }): Promise<void> | undefined {
    const finishedAt = this.ctx.scopes.now();
    const data: ContainerCompletedData = {
      id: this.ctx.executionId,
      node_id: this.node.id,
      node_type: this.kind,
      title: this.node.data.title,
      outputs: c.outputs,
      created_at: seconds(this.startedAt),
      extras: {},
      inputs: c.inputs,
      status: c.status,
      error: c.error,
      elapsed_time: (finishedAt - this.startedAt) / 1000,
      total_tokens: c.tokens,
      execution_metadata: Object.assign({ total_tokens: c.tokens }, c.metadata),
      finished_at: seconds(finishedAt),
      steps: c.steps,
    };
    return this.ctx.scopes.emit(this.kind === 'iteration' ? { event: 'iteration_completed', data } : { event: 'loop_completed', data });
  }
}

/** A container node failed: an inner node's failure, or a limit. The message names which. */
export class ContainerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerError';
  }
}

/** Marker executors for the nodes that only mark places inside a container. */
export const containerPartExecutor = {
  callsLlm: false,
  deterministic: true,
  execute: () => ({ inputs: null, outputs: {} }),
} as const;

// an idle one, so that the class's hidden class outlives a GC with no container running (see kept-shapes)
keepShapes(
  new ContainerEvents(
    { id: '', data: { type: 'iteration', title: '' } } as IterationNode,
    {
      executionId: '',
      scopes: { now: () => 0 },
    } as unknown as NodeRunContext,
  ),
);
