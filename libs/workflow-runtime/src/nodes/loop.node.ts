// loop: runs the nodes inside it round after round, at most loop_count rounds. The break conditions
// (if-else's condition shape and evaluation) are checked before the first round and after each one; a
// loop-end node ends the loop after its round. Loop variables live under the loop's id and are its
// outputs, with loop_round (Dify's LoopNode and its graph-engine handler).
import { LOOP_ROUND_OUTPUT, type IfElseNode, type LoopNode, type LoopVariable } from '@shoal/workflow-dsl';
import type { NodeExecutor, NodeRunContext } from '../node-executor';
import { VariablePool } from '../variable-pool';
import { ContainerError, ContainerEvents } from './container-events';
import { describeValueForError } from './describe-value';
import { ifElseNodeExecutor } from './if-else.node';
import { namespaceObject } from '../namespace-object';
import { isThenable } from '../is-thenable';

function fits(type: LoopVariable['var_type'], value: unknown): boolean {
  switch (type) {
    case 'string':
    case 'number':
    case 'boolean':
      return typeof value === type;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default: {
      if (!Array.isArray(value)) return false;
      const element = type.slice('array['.length, -1) as 'string' | 'number' | 'boolean' | 'object';
      return value.every((v) => fits(element, v));
    }
  }
}

/** A constant's value as its var_type (Dify: JSON text is parsed when the value is not of the type; empty arrays from ''). */
function constantValue(v: LoopVariable): unknown {
  if (fits(v.var_type, v.value)) return v.value;
  if (v.var_type.startsWith('array[') && (v.value === null || v.value === '')) return [];
  if (typeof v.value === 'string') {
    try {
      const parsed: unknown = JSON.parse(v.value);
      if (fits(v.var_type, parsed)) return parsed;
    } catch {
      // reported below
    }
  }
  throw new ContainerError(`Invalid value for loop variable ${v.label}: ${describeValueForError(v.value)} is not ${v.var_type}`);
}

function initialVariables(node: LoopNode, ctx: NodeRunContext): Record<string, unknown> {
  const vars = namespaceObject();
  for (const v of node.data.loop_variables) {
    const value = v.value_type === 'constant' ? constantValue(v) : ctx.pool.get(v.value as string[]);
    if (value === undefined || value === null) throw new ContainerError(`Invalid value for loop variable ${v.label}`);
    vars[v.label] = value;
  }
  return vars;
}

/** The break conditions as one if-else case, so they are evaluated exactly as if-else does. */
function breakCheck(node: LoopNode): IfElseNode | null {
  if (node.data.break_conditions.length === 0) return null;
  const cases = [{ case_id: 'true', logical_operator: node.data.logical_operator, conditions: node.data.break_conditions }];
  return { id: node.id, data: { type: 'if-else', title: node.data.title, desc: undefined, cases, legacy: false } };
}

function breaks(check: IfElseNode | null, pool: VariablePool, ctx: NodeRunContext): boolean {
  if (check === null) return false;
  const result = ifElseNodeExecutor.execute(check, { ...ctx, pool });
  return (result as { outputs: { result?: unknown } }).outputs.result === true;
}

export const loopNodeExecutor: NodeExecutor<LoopNode> = {
  callsLlm: false,
  async execute(node, ctx) {
    const d = node.data;
    const { limits } = ctx.scopes;
    if (d.loop_count > limits.maxLoopCount)
      throw new ContainerError(
        `loop '${node.id}' asks for loop_count ${d.loop_count}, more than the limit of ${limits.maxLoopCount} rounds (WORKFLOW_MAX_LOOP_COUNT)`,
      );
    const vars = initialVariables(node, ctx);
    const inputs: Record<string, unknown> = Object.assign({ loop_count: d.loop_count }, vars);
    const loopPool = new VariablePool(ctx.pool);
    loopPool.set(node.id, vars);
    const selector = [node.id];
    /** The loop's outputs after `rounds` rounds: its variables as they are, and loop_round. */
    const outputsAfter = (rounds: number) => {
      const out: Record<string, unknown> = Object.assign({}, loopPool.get(selector) as Record<string, unknown>);
      out[LOOP_ROUND_OUTPUT] = rounds;
      return out;
    };
    const events = new ContainerEvents(node, ctx);
    await events.started(inputs, { loop_length: d.loop_count });

    const check = breakCheck(node);
    let outputs = outputsAfter(0);
    let tokens = 0;
    let rounds = 0;
    let reason = 'loop_completed';
    // Dify checks before the first round too, and a condition that cannot be evaluated yet does not break.
    let stop = false;
    try {
      stop = breaks(check, loopPool, ctx);
    } catch {
      stop = false;
    }
    if (stop) reason = 'loop_break';
    for (let index = 0; !stop && index < d.loop_count; index++) {
      const announced = index > 0 ? events.next(index, outputs) : undefined;
      if (announced) await announced; // a sink that answers at once costs no microtask turn
      const pool = new VariablePool(loopPool);
      const running = ctx.scopes.runRound({ container: node, index, pool });
      // a round whose nodes all ended at once answers directly: no microtask turn per round
      const round = isThenable(running) ? await running : running;
      tokens += round.tokens;
      rounds = index + 1;
      if (round.error !== null) {
        await events.completed({
          inputs,
          outputs: null,
          status: 'failed',
          error: round.error,
          tokens,
          steps: rounds,
          metadata: { completed_reason: 'error' },
        });
        throw new ContainerError(round.error);
      }
      outputs = outputsAfter(rounds);
      if (round.reachedLoopEnd || breaks(check, pool, ctx)) {
        stop = true;
        reason = 'loop_break';
      }
    }
    await events.completed({
      inputs,
      outputs,
      status: 'succeeded',
      error: null,
      tokens,
      steps: rounds,
      metadata: { completed_reason: reason },
    });
    return { inputs, outputs };
  },
};
