// Node outputs of one run, read by selector: [nodeId, field, ...path]. A pool inside an iteration or
// loop round has the enclosing pool as parent: it reads through to it and keeps its own nodes' outputs.
import type { VariableLookup } from '@shoal/workflow-dsl';

type Outputs = Readonly<Record<string, unknown>>;

/**
 * A pool keeps its first four namespaces in fields and only the rest in a Map: a round's pool holds
 * two or three (the round's item, its nodes), and a Map per round was a tenth of what a round allocated.
 */
export class VariablePool {
  private k0: string | null = null;
  private v0: Outputs | undefined = undefined;
  private k1: string | null = null;
  private v1: Outputs | undefined = undefined;
  private k2: string | null = null;
  private v2: Outputs | undefined = undefined;
  private k3: string | null = null;
  private v3: Outputs | undefined = undefined;
  private more: Map<string, Outputs> | null = null;

  constructor(private readonly parent: VariablePool | null = null) {}

  /** Stores the object as is: outputs are never mutated after a node returns them, so no copy is taken. */
  set(nodeId: string, outputs: Outputs): void {
    if (this.k0 === null || this.k0 === nodeId) {
      this.k0 = nodeId;
      this.v0 = outputs;
    } else if (this.k1 === null || this.k1 === nodeId) {
      this.k1 = nodeId;
      this.v1 = outputs;
    } else if (this.k2 === null || this.k2 === nodeId) {
      this.k2 = nodeId;
      this.v2 = outputs;
    } else if (this.k3 === null || this.k3 === nodeId) {
      this.k3 = nodeId;
      this.v3 = outputs;
    } else (this.more ??= new Map()).set(nodeId, outputs);
  }

  /** Replaces a namespace where it lives (conversation at the run's pool, a loop's variables at the loop's), here when nowhere. */
  replace(nodeId: string, outputs: Outputs): void {
    if (this.own(nodeId) !== undefined || this.parent === null || !this.parent.has(nodeId)) this.set(nodeId, outputs);
    else this.parent.replace(nodeId, outputs);
  }

  has(nodeId: string): boolean {
    return this.own(nodeId) !== undefined || (this.parent !== null && this.parent.has(nodeId));
  }

  /** undefined when any step is missing. Only own properties are followed, so `constructor` or `__proto__` read nothing. */
  get(selector: readonly string[]): unknown {
    let value: unknown = this.own(selector[0]);
    if (value === undefined && this.parent !== null) return this.parent.get(selector);
    for (let i = 1; i < selector.length; i++) {
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, selector[i])) return undefined;
      value = (value as Record<string, unknown>)[selector[i]];
    }
    return value;
  }

  /** The namespace stored here (not in a parent), or undefined. */
  private own(nodeId: string): Outputs | undefined {
    if (this.k0 === nodeId) return this.v0;
    if (this.k1 === nodeId) return this.v1;
    if (this.k2 === nodeId) return this.v2;
    if (this.k3 === nodeId) return this.v3;
    return this.more === null ? undefined : this.more.get(nodeId);
  }

  private lookupFn: VariableLookup | null = null;

  /** `get` as a function, made on first use (most round pools never render a template). */
  get lookup(): VariableLookup {
    return (this.lookupFn ??= (selector) => this.get(selector));
  }
}
