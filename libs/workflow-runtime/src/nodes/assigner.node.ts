// assigner (v1 and v2): updates conversation variables. The new values are the node's outputs
// (`updated_variables`), so a resumed run re-applies them from the checkpoint (restore).
import type { AssignerItem, AssignerNode } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';
import type { VariablePool } from '../variable-pool';

export class AssignerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssignerError';
  }
}

export const CONVERSATION = 'conversation';

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array';

function kindOf(value: unknown): Kind | null {
  if (Array.isArray(value)) return 'array';
  if (value === null || value === undefined) return null;
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' ? t : null;
}

const ZERO: Record<Kind, () => unknown> = { string: () => '', number: () => 0, boolean: () => false, object: () => ({}), array: () => [] };

/** Which operations each kind of variable supports (Dify's is_operation_supported). */
function supported(kind: Kind, op: AssignerItem['operation']): boolean {
  switch (op) {
    case 'over-write':
    case 'clear':
      return true;
    case 'set':
      return kind !== 'array';
    case '+=':
    case '-=':
    case '*=':
    case '/=':
      return kind === 'number';
    default:
      return kind === 'array';
  }
}

function apply(current: unknown, kind: Kind, item: AssignerItem, input: unknown): unknown {
  const op = item.operation;
  const number = (v: unknown) => {
    if (typeof v !== 'number' || (op === '/=' && v === 0)) throw new AssignerError(`Invalid input value ${JSON.stringify(v)}`);
    return v;
  };
  switch (op) {
    case 'clear':
      return ZERO[kind]();
    case 'over-write':
    case 'set':
      if (kind === 'object' && typeof input === 'string') {
        try {
          return JSON.parse(input) as unknown;
        } catch {
          throw new AssignerError(`Invalid input value ${JSON.stringify(input)}`);
        }
      }
      if (kind === 'number') return number(input);
      if (kind === 'array' ? !Array.isArray(input) : kindOf(input) !== kind)
        throw new AssignerError(`Invalid input value ${JSON.stringify(input)}`);
      return input;
    case '+=':
      return (current as number) + number(input);
    case '-=':
      return (current as number) - number(input);
    case '*=':
      return (current as number) * number(input);
    case '/=':
      return (current as number) / number(input);
    case 'append':
      return [...(current as unknown[]), input];
    case 'extend':
      if (!Array.isArray(input)) throw new AssignerError(`Invalid input value ${JSON.stringify(input)}`);
      return [...(current as unknown[]), ...(input as unknown[])];
    case 'remove-first':
      return (current as unknown[]).slice(1);
    case 'remove-last':
      return (current as unknown[]).slice(0, -1);
  }
}

function writeConversation(pool: VariablePool, updates: ReadonlyArray<{ name: string; value: unknown }>): void {
  const current = (pool.get([CONVERSATION]) ?? {}) as Record<string, unknown>;
  const next: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, current);
  for (const { name, value } of updates) next[name] = value;
  // A new object: values already handed out (events, other nodes' inputs) are never mutated.
  pool.set(CONVERSATION, next);
}

export const assignerNodeExecutor: NodeExecutor<AssignerNode> = {
  callsLlm: false,
  execute(node, ctx) {
    // Items see each other's writes (Dify's working copy), and the pool changes only if all succeed.
    const working = new Map<string, unknown>();
    const read = (name: string) => (working.has(name) ? working.get(name) : ctx.pool.get([CONVERSATION, name]));
    for (const item of node.data.items) {
      const name = item.variable_selector[1];
      const current = read(name);
      if (current === undefined) throw new AssignerError(`Variable ${JSON.stringify(item.variable_selector)} not found`);
      const kind = kindOf(current);
      if (kind === null) throw new AssignerError(`Variable ${JSON.stringify(item.variable_selector)} has no value to infer its type from`);
      if (!supported(kind, item.operation)) throw new AssignerError(`Operation ${item.operation} is not supported for type ${kind}`);
      let input: unknown = item.value;
      if (item.input_type === 'variable' && Array.isArray(item.value)) {
        input = ctx.pool.get(item.value as string[]);
        if (input === undefined) throw new AssignerError(`Variable ${JSON.stringify(item.value)} not found`);
        // Dify skips an update whose source variable holds nothing.
        if (input === null) continue;
      }
      working.set(name, apply(current, kind, item, input));
    }
    const updated = [...working].map(([name, value]) => ({ name, selector: [CONVERSATION, name], value }));
    writeConversation(ctx.pool, updated);
    return { inputs: { items: node.data.items }, outputs: { updated_variables: updated }, processData: { updated_variables: updated } };
  },
  restore(_node, outputs, pool) {
    const updated = outputs.updated_variables;
    if (Array.isArray(updated)) writeConversation(pool, updated as Array<{ name: string; value: unknown }>);
  },
};
