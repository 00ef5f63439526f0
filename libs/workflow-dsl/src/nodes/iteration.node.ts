// The iteration container (Dify's `iteration`) and its `iteration-start` node: runs the nodes inside it
// once per item of an array, sequentially or `parallel_nums` at a time, and collects one inner value per item.
import { z } from 'zod';
import { baseDataShape, normalizeData, selectorSchema, type BaseNodeData, type NodeDefinition } from './node-definition';

export const ITERATION_ERROR_HANDLE_MODES = ['terminated', 'continue-on-error', 'remove-abnormal-output'] as const;
export type IterationErrorHandleMode = (typeof ITERATION_ERROR_HANDLE_MODES)[number];

export interface IterationNodeData extends BaseNodeData {
  type: 'iteration';
  /** The `iteration-start` node inside this iteration where each round begins. */
  start_node_id: string;
  /** The array iterated over (read outside the iteration). */
  iterator_selector: string[];
  /** The inner variable collected from each round into `output`. */
  output_selector: string[];
  is_parallel: boolean;
  /** Rounds run at once when is_parallel (Dify's default 10). */
  parallel_nums: number;
  error_handle_mode: IterationErrorHandleMode;
  /** When every collected value is a list, `output` is their concatenation (Dify's default true). */
  flatten_output: boolean;
}

export interface IterationStartNodeData extends BaseNodeData {
  type: 'iteration-start';
}

/** What nodes inside an iteration may read from it: `[iteration_id, 'item']` and `[iteration_id, 'index']`. */
export const ITERATION_ROUND_FIELDS = ['item', 'index'] as const;
export const ITERATION_OUTPUT_FIELDS = ['output'] as const;

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('iteration'),
  start_node_id: z.string().min(1),
  iterator_selector: selectorSchema,
  output_selector: selectorSchema,
  is_parallel: z.boolean().nullish(),
  parallel_nums: z.number().int().min(1).nullish(),
  error_handle_mode: z.enum(ITERATION_ERROR_HANDLE_MODES).nullish(),
  flatten_output: z.boolean().nullish(),
});
type Parsed = z.infer<typeof schema>;

export const iterationNodeDefinition: NodeDefinition<IterationNodeData, Parsed> = {
  type: 'iteration',
  schema,
  normalize: (parsed, nodeId) =>
    normalizeData(parsed, 'iteration', nodeId, {
      start_node_id: parsed.start_node_id,
      iterator_selector: parsed.iterator_selector,
      output_selector: parsed.output_selector,
      is_parallel: parsed.is_parallel ?? false,
      parallel_nums: parsed.parallel_nums ?? 10,
      error_handle_mode: parsed.error_handle_mode ?? 'terminated',
      flatten_output: parsed.flatten_output ?? true,
    }),
  // output_selector names a node inside the iteration; the graph validator checks it with the container.
  references: (parsed) => [{ path: ['iterator_selector'], selector: parsed.iterator_selector }],
  outputFields: () => ITERATION_OUTPUT_FIELDS,
};

const startSchema = z.looseObject({ ...baseDataShape, type: z.literal('iteration-start') });
type ParsedStart = z.infer<typeof startSchema>;

export const iterationStartNodeDefinition: NodeDefinition<IterationStartNodeData, ParsedStart> = {
  type: 'iteration-start',
  schema: startSchema,
  normalize: (parsed, nodeId) => normalizeData(parsed, 'iteration-start', nodeId, {}),
  references: () => [],
  outputFields: () => [],
};
