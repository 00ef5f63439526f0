// Test-only: holds a direct check (`plainUsageEvent`, `plainChatCompletionRequest`) to the zod
// schema it stands in for, over values mutated at every edge the schema draws.
import type { z } from 'zod';
import { seededInt } from './seeded-random';

export interface Agreement {
  /** values the direct check passed */
  plain: number;
  /** values the schema refused */
  refused: number;
}

/**
 * `cases` values, each `base()` with one to three fields set to one of `mutations[field]`
 * (undefined: the field removed), from a seeded generator: expects that `plain` never passes what
 * `schema` refuses, and gives what `schema` gives for what it passes.
 */
export function expectPlainAgrees(opts: {
  schema: z.ZodType;
  plain: (v: unknown) => unknown;
  base: () => Record<string, unknown>;
  mutations: Record<string, readonly unknown[]>;
  seed: number;
  cases?: number;
}): Agreement {
  const rand = seededInt(opts.seed);
  const fields = Object.keys(opts.mutations);
  const counts: Agreement = { plain: 0, refused: 0 };
  for (let i = 0; i < (opts.cases ?? 20_000); i++) {
    const v = opts.base();
    for (let m = 1 + rand(3); m > 0; m--) {
      const field = fields[rand(fields.length)];
      const choices = opts.mutations[field];
      const value = choices[rand(choices.length)];
      if (value === undefined) delete v[field];
      else v[field] = value;
    }
    const fast = opts.plain(v);
    const schema = opts.schema.safeParse(v);
    if (!schema.success) counts.refused++;
    if (fast === undefined) continue;
    counts.plain++;
    expect({ v, success: schema.success }).toEqual({ v, success: true });
    expect(fast).toEqual(schema.data);
  }
  return counts;
}
