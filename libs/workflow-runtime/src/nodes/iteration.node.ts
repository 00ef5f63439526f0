// iteration: runs the nodes inside it once per item of iterator_selector, `parallel_nums` rounds at a
// time when is_parallel, and outputs the output_selector value of each round in item order (Dify's
// IterationNode and its graph-engine handler). Inner nodes read [iteration_id, 'item'] and [iteration_id, 'index'].
import { describeValueForError } from './describe-value';
import type { IterationNode } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';
import { VariablePool } from '../variable-pool';
import { ContainerError, ContainerEvents } from './container-events';
import { isThenable } from '../is-thenable';

/** Dify's flatten: when every non-null output is a list, their concatenation (nulls dropped); else as is. */
export function flattenOutputs(outputs: unknown[]): unknown[] {
  const present = outputs.filter((o) => o !== null && o !== undefined);
  if (present.length === 0 || !present.every(Array.isArray)) return outputs;
  const flat: unknown[] = [];
  for (const o of present) flat.push(...(o as unknown[]));
  return flat;
}

export const iterationNodeExecutor: NodeExecutor<IterationNode> = {
  callsLlm: false,
  async execute(node, ctx) {
    const d = node.data;
    const value = ctx.pool.get(d.iterator_selector);
    if (value === undefined) throw new ContainerError(`iterator variable ${JSON.stringify(d.iterator_selector)} not found`);
    if (value !== null && !Array.isArray(value))
      throw new ContainerError(`invalid iterator value: ${describeValueForError(value)}, please provide a list.`);
    const items: readonly unknown[] = value ?? [];
    const { limits } = ctx.scopes;
    if (items.length > limits.maxIterationItems)
      throw new ContainerError(
        `iteration '${node.id}' got ${items.length} items, more than the limit of ${limits.maxIterationItems} (WORKFLOW_MAX_ITERATION_ITEMS)`,
      );
    const inputs = { iterator_selector: items };
    const events = new ContainerEvents(node, ctx);
    await events.started(inputs, { iteration_length: items.length });

    const results: unknown[] = new Array<unknown>(items.length).fill(null);
    const failed = new Set<number>();
    let terminal: string | null = null;
    let tokens = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (terminal === null && next < items.length) {
        const index = next++;
        const announced = events.next(index);
        if (announced) await announced; // a sink that answers at once costs no microtask turn
        const pool = new VariablePool(ctx.pool);
        pool.set(node.id, { item: items[index], index });
        const running = ctx.scopes.runRound({ container: node, index, pool });
        const round = isThenable(running) ? await running : running;
        tokens += round.tokens;
        if (round.error === null) results[index] = pool.get(d.output_selector) ?? null;
        else if (d.error_handle_mode === 'terminated') terminal ??= round.error;
        else failed.add(index);
      }
    };
    const width = d.is_parallel ? Math.max(1, Math.min(d.parallel_nums, limits.maxParallelism)) : 1;
    const settled = await Promise.allSettled(Array.from({ length: Math.min(width, items.length) }, worker));
    for (const s of settled) if (s.status === 'rejected') throw s.reason;

    const steps = next;
    if (terminal !== null) {
      await events.completed({ inputs, outputs: null, status: 'failed', error: terminal, tokens, steps, metadata: {} });
      throw new ContainerError(terminal);
    }
    const kept = d.error_handle_mode === 'remove-abnormal-output' ? results.filter((_, i) => !failed.has(i)) : results;
    const outputs = { output: d.flatten_output ? flattenOutputs(kept) : kept };
    await events.completed({ inputs, outputs, status: 'succeeded', error: null, tokens, steps, metadata: {} });
    return { inputs, outputs };
  },
};
