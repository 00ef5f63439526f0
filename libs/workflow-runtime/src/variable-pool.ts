// Node outputs of one run, read by selector: [nodeId, field, ...path]. A pool inside an iteration or
// loop round has the enclosing pool as parent: it reads through to it and keeps its own nodes' outputs.
import type { VariableLookup } from '@shoal/workflow-dsl';

export class VariablePool {
  private readonly nodes = new Map<string, Readonly<Record<string, unknown>>>();

  constructor(private readonly parent: VariablePool | null = null) {}

  /** Stores the object as is: outputs are never mutated after a node returns them, so no copy is taken. */
  set(nodeId: string, outputs: Readonly<Record<string, unknown>>): void {
    this.nodes.set(nodeId, outputs);
  }

  /** Replaces a namespace where it lives (conversation at the run's pool, a loop's variables at the loop's), here when nowhere. */
  replace(nodeId: string, outputs: Readonly<Record<string, unknown>>): void {
    if (this.nodes.has(nodeId) || this.parent === null || !this.parent.has(nodeId)) this.nodes.set(nodeId, outputs);
    else this.parent.replace(nodeId, outputs);
  }

  has(nodeId: string): boolean {
    return this.nodes.has(nodeId) || (this.parent !== null && this.parent.has(nodeId));
  }

  /** undefined when any step is missing. Only own properties are followed, so `constructor` or `__proto__` read nothing. */
  get(selector: readonly string[]): unknown {
    let value: unknown = this.nodes.get(selector[0]);
    if (value === undefined && this.parent !== null) return this.parent.get(selector);
    for (let i = 1; i < selector.length; i++) {
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, selector[i])) return undefined;
      value = (value as Record<string, unknown>)[selector[i]];
    }
    return value;
  }

  private lookupFn: VariableLookup | null = null;

  /** `get` as a function, made on first use (most round pools never render a template). */
  get lookup(): VariableLookup {
    return (this.lookupFn ??= (selector) => this.get(selector));
  }
}
