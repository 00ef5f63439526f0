// Objects keyed by names a workflow chooses (conversation and loop variables, a template's data): no
// name reads anything inherited (`constructor`, `toString`), and `__proto__` is an own key like any
// other. Object.create(null) gives that, but V8 keeps such objects in dictionary mode, where a copy
// or a write costs about ten times a plain object's (a loop round copies its variables three times).
// An object whose prototype is an empty, frozen object without a prototype behaves the same for
// every read and write by name, and stays a fast object.
import { keepShapes } from './kept-shapes';

const EMPTY_PROTOTYPE: object = Object.freeze(Object.create(null) as object);

/** An empty object with nothing inherited. */
export function namespaceObject<T = unknown>(): Record<string, T> {
  return Object.create(EMPTY_PROTOTYPE) as Record<string, T>;
}

// an empty one, so that the hidden class of such objects (which V8 holds only through them) outlives
// a GC with none alive, e.g. a run's empty conversation namespace (see kept-shapes)
keepShapes(namespaceObject());
