// The events of an iteration or loop node, shaped as Dify's iteration_* / loop_* stream responses.
import type { ContainerCompletedData, ContainerNextData, ContainerStartedData, NodeStatus } from '@shoal/contracts';
import type { IterationNode, LoopNode } from '@shoal/workflow-dsl';
import type { NodeRunContext } from '../node-executor';

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

  private base() {
    return { id: this.ctx.executionId, node_id: this.node.id, node_type: this.kind, title: this.node.data.title };
  }

  started(inputs: Record<string, unknown>, metadata: Record<string, unknown>): Promise<void> {
    const data: ContainerStartedData = Object.assign(this.base(), { created_at: seconds(this.startedAt), extras: {}, metadata, inputs });
    return this.ctx.scopes.emit(this.kind === 'iteration' ? { event: 'iteration_started', data } : { event: 'loop_started', data });
  }

  next(index: number, preLoopOutput?: Record<string, unknown>): Promise<void> {
    const data: ContainerNextData = Object.assign(this.base(), { index, created_at: seconds(this.ctx.scopes.now()), extras: {} });
    if (preLoopOutput) data.pre_loop_output = preLoopOutput;
    return this.ctx.scopes.emit(this.kind === 'iteration' ? { event: 'iteration_next', data } : { event: 'loop_next', data });
  }

  completed(c: {
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown> | null;
    status: Extract<NodeStatus, 'succeeded' | 'failed'>;
    error: string | null;
    tokens: number;
    steps: number;
    metadata: Record<string, unknown>;
  }): Promise<void> {
    const finishedAt = this.ctx.scopes.now();
    const data: ContainerCompletedData = Object.assign(this.base(), {
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
    });
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
