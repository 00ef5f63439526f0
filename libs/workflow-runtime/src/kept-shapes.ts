// V8 gives a class's instances their hidden class by adding their fields one by one, and holds the
// class it ends at only through the instances: a full GC with no instance alive (no run in flight:
// an idle service, a pause between runs) drops it, and with it every piece of optimized code that
// depends on it (V8: "embedded weak objects cleared"); the next runs start deoptimized, make the
// class anew and optimize again. An object literal's class lives as long as its code (its allocation
// site keeps a copy), so this is for the classes only. One idle instance of each class a run makes,
// kept here, keeps their hidden classes and the code built on them. Each must be made by the class's
// own constructor, with values of the kinds a run stores (a double where a run may store one).
const kept: object[] = [];

/** Keeps `instances` for the life of the process (one of each class a run instantiates). */
export function keepShapes(...instances: object[]): void {
  for (const instance of instances) kept.push(instance);
}
