// A bounded cache with least-recently-used eviction, by entry count and optionally by size.
// Every in-process cache uses this one: a cache that is full drops its coldest entries, it is
// never cleared whole (a clear lets one flood of new keys wipe every warm entry at once).

export interface LruCacheOptions<V> {
  /** the most entries kept */
  maxEntries: number;
  /** the most total size kept, as measured by `sizeOf` (e.g. bytes); unbounded when omitted */
  maxSize?: number;
  /** the size of one value; 1 when omitted */
  sizeOf?: (value: V) => number;
  /** entries older than this are treated as absent; they never expire when omitted */
  ttlMs?: number;
  /** the clock, for tests */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  size: number;
  expiresAt: number;
}

export class LruCache<K, V> {
  // a Map iterates in insertion order: re-inserting on use keeps the coldest entry first
  private readonly entries = new Map<K, Entry<V>>();
  private total = 0;
  private readonly now: () => number;

  constructor(private readonly opts: LruCacheOptions<V>) {
    if (!(opts.maxEntries >= 1)) throw new RangeError('LruCache maxEntries must be at least 1');
    this.now = opts.now ?? (() => Date.now());
  }

  get size(): number {
    return this.entries.size;
  }

  /** the total size of what is kept (entries when no `sizeOf` was given) */
  get totalSize(): number {
    return this.total;
  }

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.remove(key, e);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  /** Keeps `value`, evicting the least recently used entries beyond the bounds. A value larger than `maxSize` on its own is not kept. */
  set(key: K, value: V, ttlMs = this.opts.ttlMs): this {
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    const size = this.opts.sizeOf ? this.opts.sizeOf(value) : 1;
    if (this.opts.maxSize !== undefined && size > this.opts.maxSize) return this;
    this.entries.set(key, { value, size, expiresAt: ttlMs === undefined ? Infinity : this.now() + ttlMs });
    this.total += size;
    this.evict();
    return this;
  }

  delete(key: K): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.remove(key, e);
    return true;
  }

  /** Drops entries older than their time to live (they are dropped lazily on `get` as well). */
  prune(): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.remove(k, e);
  }

  keys(): IterableIterator<K> {
    return this.entries.keys();
  }

  private evict(): void {
    const maxSize = this.opts.maxSize ?? Infinity;
    while (this.entries.size > this.opts.maxEntries || this.total > maxSize) {
      const [k, e] = this.entries.entries().next().value as [K, Entry<V>];
      this.remove(k, e);
    }
  }

  private remove(key: K, e: Entry<V>): void {
    this.entries.delete(key);
    this.total -= e.size;
  }
}
