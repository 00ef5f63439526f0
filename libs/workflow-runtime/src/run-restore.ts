// What a resumed run takes over from the node executions an earlier attempt committed: their outputs in
// the pool, what they wrote outside their outputs re-applied, their branch decisions to replay, and
// their tallies. A fresh run takes over nothing (FRESH_RUN, shared: it is never changed).
import { isNodeOfType, type GraphIndex } from '@shoal/workflow-dsl';
import type { NodeExecutor, NodeExecutors } from './node-executor';
import type { FinishedNodeRecord } from './ports';
import { RunCost } from './run-cost';
import { scopePathOfKey } from './scope';
import type { RestoredNode } from './subgraph.runner';
import type { VariablePool } from './variable-pool';

/** A top-level node execution an earlier attempt finished. */
export interface RestoredTopNode extends RestoredNode {
  index: number;
  outputs: Record<string, unknown>;
}

export interface RestoredRun {
  /** Top-level nodes done, with their index. */
  readonly done: ReadonlyMap<string, number>;
  /** Top-level executions, in the order they ran. */
  readonly restored: readonly RestoredTopNode[];
  /** Executions inside iteration / loop rounds, by round, in the order they ran; their rounds replay them when the container reruns. */
  readonly inner: ReadonlyMap<string, RestoredNode[]>;
  readonly innerCount: number;
  /** The highest index an earlier attempt used. */
  readonly lastIndex: number;
  readonly tokens: number;
  readonly cost: RunCost;
  /** End nodes' outputs, in the order they ran. */
  readonly endOutputs: ReadonlyArray<Record<string, unknown>>;
  /** Answer nodes' texts, in the order they ran. */
  readonly answers: readonly string[];
  /** Some restored node ended `exception`. */
  readonly hadException: boolean;
}

export const FRESH_RUN: RestoredRun = Object.freeze({
  done: new Map<string, number>(),
  restored: Object.freeze([]),
  inner: new Map<string, RestoredNode[]>(),
  innerCount: 0,
  lastIndex: 0,
  tokens: 0,
  cost: new RunCost(),
  endOutputs: Object.freeze([]),
  answers: Object.freeze([]),
  hadException: false,
});

/** Puts the committed executions' outputs in `pool` and re-applies their writes, in run order. */
export function restoreRun(
  finished: readonly FinishedNodeRecord[],
  index: GraphIndex,
  pool: VariablePool,
  executors: NodeExecutors,
): RestoredRun {
  const done = new Map<string, number>();
  let tokens = 0;
  const cost = new RunCost();
  let lastIndex = 0;
  const ends: Array<{ index: number; outputs: Record<string, unknown> }> = [];
  const restored: RestoredTopNode[] = [];
  const inner = new Map<string, RestoredNode[]>();
  let innerCount = 0;
  for (const rec of finished) {
    lastIndex = Math.max(lastIndex, rec.index);
    const node = index.nodesById.get(rec.nodeId);
    if ((rec.status !== 'succeeded' && rec.status !== 'exception') || !node) continue;
    const outputs = rec.outputs ?? {};
    const path = rec.executionKey === undefined ? '' : scopePathOfKey(rec.executionKey);
    if (path !== '') {
      let list = inner.get(path);
      if (!list) inner.set(path, (list = []));
      list.push({ nodeId: rec.nodeId, outputs, exception: rec.status === 'exception', tokens: rec.tokens.total, index: rec.index });
      tokens += rec.tokens.total;
      innerCount++;
      continue;
    }
    done.set(rec.nodeId, rec.index);
    restored.push({ nodeId: rec.nodeId, index: rec.index, outputs, exception: rec.status === 'exception' });
    pool.set(rec.nodeId, outputs);
    tokens += rec.tokens.total;
    cost.add(rec.cost);
    if (isNodeOfType(node, 'end')) ends.push({ index: rec.index, outputs });
  }

  // Branch decisions and conversation writes replay in the order the nodes ran.
  restored.sort((a, b) => a.index - b.index);
  for (const list of inner.values()) list.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const answers: string[] = [];
  // A container restored whole does not rerun its rounds, so what its inner nodes wrote outside their
  // outputs (an assigner's conversation variables) is re-applied here, in run order with the rest.
  const replay: Array<{ nodeId: string; index: number; outputs: Readonly<Record<string, unknown>>; exception: boolean; inner: boolean }> =
    restored.map((r) => Object.assign({ inner: false }, r));
  for (const [path, list] of inner)
    if (done.has(path.slice(0, path.indexOf('[')))) for (const r of list) replay.push(Object.assign({ index: 0, inner: true }, r));
  if (replay.length > restored.length) replay.sort((a, b) => a.index - b.index);
  for (const rec of replay) {
    const node = index.nodesById.get(rec.nodeId);
    if (!node) continue;
    if (!rec.exception) (executors[node.data.type] as NodeExecutor).restore?.(node, rec.outputs, pool);
    if (!rec.inner && node.data.type === 'answer' && typeof rec.outputs.answer === 'string') answers.push(rec.outputs.answer);
  }
  return {
    done,
    restored,
    inner,
    innerCount,
    lastIndex,
    tokens,
    cost,
    endOutputs: ends.sort((a, b) => a.index - b.index).map((e) => e.outputs),
    answers,
    hadException: restored.some((r) => r.exception),
  };
}
