// assigner (v1 and v2): updates conversation variables. The new values are the node's outputs
// (`updated_variables`), so a resumed run re-applies them from the checkpoint (restore).
import type { AssignerItem, AssignerNode } from '@shoal/workflow-dsl';
import type { NodeExecutor, NodeRunContext } from '../node-executor';
import type { VariablePool } from '../variable-pool';
import { namespaceObject } from '../namespace-object';

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

/** The input of an arithmetic operation: a number, and not 0 to divide by. */
function numberInput(v: unknown, op: AssignerItem['operation']): number {
  if (typeof v !== 'number' || (op === '/=' && v === 0)) throw new AssignerError(`Invalid input value ${JSON.stringify(v)}`);
  return v;
}

function apply(current: unknown, kind: Kind, item: AssignerItem, input: unknown): unknown {
  const op = item.operation;
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
      if (kind === 'number') return numberInput(input, op);
      if (kind === 'array' ? !Array.isArray(input) : kindOf(input) !== kind)
        throw new AssignerError(`Invalid input value ${JSON.stringify(input)}`);
      return input;
    case '+=':
      return (current as number) + numberInput(input, op);
    case '-=':
      return (current as number) - numberInput(input, op);
    case '*=':
      return (current as number) * numberInput(input, op);
    case '/=':
      return (current as number) / numberInput(input, op);
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

/** Writes each namespace touched (conversation, or a loop's variables) as a new object where it lives. */
function writeVariables(pool: VariablePool, updates: ReadonlyArray<{ name: string; selector?: readonly string[]; value: unknown }>): void {
  if (updates.length === 1) {
    // the usual single update, without grouping
    const [{ name, selector, value }] = updates;
    writeNamespace(pool, selector?.[0] ?? CONVERSATION, [{ name, value }]);
    return;
  }
  const byNamespace = new Map<string, Array<{ name: string; value: unknown }>>();
  for (const u of updates) {
    const namespace = u.selector?.[0] ?? CONVERSATION;
    const list = byNamespace.get(namespace) ?? [];
    list.push(u);
    byNamespace.set(namespace, list);
  }
  for (const [namespace, list] of byNamespace) writeNamespace(pool, namespace, list);
}

function writeNamespace(pool: VariablePool, namespace: string, list: ReadonlyArray<{ name: string; value: unknown }>): void {
  const current = (pool.get([namespace]) ?? {}) as Record<string, unknown>;
  const next = Object.assign(namespaceObject(), current);
  for (const { name, value } of list) next[name] = value;
  // A new object: values already handed out (events, other nodes' inputs) are never mutated.
  pool.replace(namespace, next);
}

/** An update Dify skips: its source variable holds nothing. */
const SKIPPED: unique symbol = Symbol('skipped');

/** The value an item assigns to a variable holding `current`, or SKIPPED. */
function assignedValue(item: AssignerItem, current: unknown, ctx: NodeRunContext): unknown {
  if (current === undefined) throw new AssignerError(`Variable ${JSON.stringify(item.variable_selector)} not found`);
  const kind = kindOf(current);
  if (kind === null) throw new AssignerError(`Variable ${JSON.stringify(item.variable_selector)} has no value to infer its type from`);
  if (!supported(kind, item.operation)) throw new AssignerError(`Operation ${item.operation} is not supported for type ${kind}`);
  let input: unknown = item.value;
  if (item.input_type === 'variable' && Array.isArray(item.value)) {
    input = ctx.pool.get(item.value as string[]);
    if (input === undefined) throw new AssignerError(`Variable ${JSON.stringify(item.value)} not found`);
    if (input === null) return SKIPPED;
  }
  return apply(current, kind, item, input);
}

export const assignerNodeExecutor: NodeExecutor<AssignerNode> = {
  callsLlm: false,
  deterministic: true,
  execute(node, ctx) {
    const { items } = node.data;
    const updated: Array<{ name: string; selector: [string, string]; value: unknown }> = [];
    if (items.length === 1) {
      // the usual single item: no working copy to keep
      const item = items[0];
      const [namespace, name] = item.variable_selector;
      const value = assignedValue(item, ctx.pool.get([namespace, name]), ctx);
      if (value !== SKIPPED) updated.push({ name, selector: [namespace, name], value });
    } else {
      // Items see each other's writes (Dify's working copy), and the pool changes only if all succeed.
      const working = new Map<string, { selector: [string, string]; value: unknown }>();
      for (const item of items) {
        const [namespace, name] = item.variable_selector;
        const key = `${namespace}\u0000${name}`;
        const current = working.has(key) ? working.get(key)?.value : ctx.pool.get([namespace, name]);
        const value = assignedValue(item, current, ctx);
        if (value !== SKIPPED) working.set(key, { selector: [namespace, name], value });
      }
      for (const { selector, value } of working.values()) updated.push({ name: selector[1], selector, value });
    }
    writeVariables(ctx.pool, updated);
    return { inputs: { items }, outputs: { updated_variables: updated }, processData: { updated_variables: updated } };
  },
  restore(_node, outputs, pool) {
    const updated = outputs.updated_variables;
    if (Array.isArray(updated)) writeVariables(pool, updated as Array<{ name: string; selector?: string[]; value: unknown }>);
  },
};
