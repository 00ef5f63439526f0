// Ports and executors may answer synchronously; awaiting only real promises saves a microtask per call.

export function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
