// list-operator: filter, extract the n-th item, sort and limit an array of strings, numbers or booleans,
// in Dify's order and with Dify's per-type filters (graphon's nodes/list_operator).
import { renderTemplate, type ListFilterCondition, type ListOperatorNode } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';
import type { VariablePool } from '../variable-pool';

export class ListOperatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListOperatorError';
  }
}

type Item = string | number | boolean;
type Kind = 'string' | 'number' | 'boolean';

function kindOf(list: readonly unknown[]): Kind | null {
  for (const kind of ['string', 'number', 'boolean'] as const) if (list.every((x) => typeof x === kind)) return kind;
  return null;
}

function stringFilter(op: string, value: string): (x: string) => boolean {
  switch (op) {
    case 'empty':
      return (x) => x === '';
    case 'not empty':
      return (x) => x !== '';
    case 'contains':
      return (x) => x.includes(value);
    case 'not contains':
      return (x) => !x.includes(value);
    case 'start with':
      return (x) => x.startsWith(value);
    case 'end with':
      return (x) => x.endsWith(value);
    case 'is':
      return (x) => x === value;
    case 'is not':
      return (x) => x !== value;
    // Python's `x in "text"`: a substring test.
    case 'in':
      return (x) => value.includes(x);
    case 'not in':
      return (x) => !value.includes(x);
    default:
      throw new ListOperatorError(`Invalid condition: ${op}`);
  }
}

function numberFilter(op: string, value: number): (x: number) => boolean {
  switch (op) {
    case '=':
      return (x) => x === value;
    case '≠':
      return (x) => x !== value;
    case '<':
      return (x) => x < value;
    case '≤':
      return (x) => x <= value;
    case '>':
      return (x) => x > value;
    case '≥':
      return (x) => x >= value;
    default:
      throw new ListOperatorError(`Invalid condition: ${op}`);
  }
}

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

function toNumber(text: string): number {
  const t = text.trim();
  if (t.length > 400 || !NUMBER.test(t)) throw new ListOperatorError(`could not convert string to float: '${text}'`);
  return Number(t);
}

function filterBy(list: Item[], kind: Kind, c: ListFilterCondition, pool: VariablePool): Item[] {
  if (kind === 'boolean') {
    if (typeof c.value !== 'boolean') throw new ListOperatorError(`Boolean filter expects a boolean value, got ${typeof c.value}`);
    const expected = c.value;
    if (c.comparison_operator === 'is') return list.filter((x) => x === expected);
    if (c.comparison_operator === 'is not') return list.filter((x) => x !== expected);
    throw new ListOperatorError(`Invalid condition: ${c.comparison_operator}`);
  }
  if (typeof c.value !== 'string') throw new ListOperatorError(`Invalid filter value: ${JSON.stringify(c.value)}`);
  const value = renderTemplate(c.value, pool.lookup);
  if (kind === 'string') {
    const f = stringFilter(c.comparison_operator, value);
    return list.filter((x) => f(x as string));
  }
  const f = numberFilter(c.comparison_operator, toNumber(value));
  return list.filter((x) => f(x as number));
}

function compare(a: Item, b: Item): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return Number(a) - Number(b);
}

export const listOperatorNodeExecutor: NodeExecutor<ListOperatorNode> = {
  callsLlm: false,
  deterministic: true,
  execute(node, ctx) {
    const { data } = node;
    const variable = ctx.pool.get(data.variable);
    if (variable === undefined) throw new ListOperatorError(`Variable not found for selector: ${JSON.stringify(data.variable)}`);
    if (variable === null || (Array.isArray(variable) && variable.length === 0)) {
      return { inputs: { variable: [] }, processData: { variable: [] }, outputs: { result: [], first_record: null, last_record: null } };
    }
    const kind = Array.isArray(variable) ? kindOf(variable) : null;
    if (!Array.isArray(variable) || kind === null)
      throw new ListOperatorError(`Variable ${JSON.stringify(data.variable)} is not an array of strings, numbers or booleans`);
    let list = variable as Item[];
    if (data.filter_by.enabled) for (const c of data.filter_by.conditions) list = filterBy(list, kind, c, ctx.pool);
    if (data.extract_by.enabled) {
      const text = renderTemplate(data.extract_by.serial, ctx.pool.lookup).trim();
      const serial = /^[-+]?\d{1,15}$/.test(text) ? Number(text) : NaN;
      if (!Number.isInteger(serial) || serial < 1) throw new ListOperatorError(`Invalid serial index: must be >= 1, got ${text}`);
      if (serial > list.length) throw new ListOperatorError(`Invalid serial index: ${serial} is past the end of a list of ${list.length}`);
      list = [list[serial - 1]];
    }
    if (data.order_by.enabled) {
      list = [...list].sort(compare);
      if (data.order_by.value === 'desc') list.reverse();
    }
    // Python's value[:size]: a negative size drops that many from the end.
    if (data.limit.enabled) list = list.slice(0, data.limit.size);
    return {
      inputs: { variable },
      processData: { variable },
      outputs: { result: list, first_record: list.length ? list[0] : null, last_record: list.length ? list[list.length - 1] : null },
    };
  },
};
