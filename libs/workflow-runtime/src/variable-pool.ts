// Node outputs of one run, read by selector: [nodeId, field, ...path].
import type { VariableLookup } from '@shoal/workflow-dsl';

export class VariablePool {
  private readonly nodes = new Map<string, Readonly<Record<string, unknown>>>();

  /** Stores the object as is: outputs are never mutated after a node returns them, so no copy is taken. */
  set(nodeId: string, outputs: Readonly<Record<string, unknown>>): void {
    this.nodes.set(nodeId, outputs);
  }

  has(nodeId: string): boolean {
    return this.nodes.has(nodeId);
  }

  /** undefined when any step is missing. Only own properties are followed, so `constructor` or `__proto__` read nothing. */
  get(selector: readonly string[]): unknown {
    let value: unknown = this.nodes.get(selector[0]);
    for (let i = 1; i < selector.length; i++) {
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, selector[i])) return undefined;
      value = (value as Record<string, unknown>)[selector[i]];
    }
    return value;
  }

  readonly lookup: VariableLookup = (selector) => this.get(selector);
}
