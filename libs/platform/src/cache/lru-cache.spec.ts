import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond maxEntries, never the whole cache', () => {
    const c = new LruCache<string, number>({ maxEntries: 3 });
    c.set('a', 1).set('b', 2).set('c', 3);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('d', 4);
    expect([...c.keys()]).toEqual(['c', 'a', 'd']);
    expect(c.get('b')).toBeUndefined();
    for (let i = 0; i < 1000; i++) c.set(`flood${i}`, i);
    expect(c.size).toBe(3);
  });

  it('bounds the total size, evicting the coldest entries first', () => {
    const c = new LruCache<string, string>({ maxEntries: 100, maxSize: 10, sizeOf: (v) => v.length });
    c.set('a', 'xxxx').set('b', 'yyyy');
    c.get('a');
    c.set('c', 'zzzz');
    expect(c.totalSize).toBe(8);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe('xxxx');
  });

  it('does not keep a value larger than maxSize on its own, and keeps what it had', () => {
    const c = new LruCache<string, string>({ maxEntries: 10, maxSize: 5, sizeOf: (v) => v.length });
    c.set('small', 'abc');
    c.set('huge', 'abcdefgh');
    expect(c.get('huge')).toBeUndefined();
    expect(c.get('small')).toBe('abc');
  });

  it('forgets entries after their time to live', () => {
    let now = 1000;
    const c = new LruCache<string, number>({ maxEntries: 10, ttlMs: 50, now: () => now });
    c.set('a', 1);
    c.set('b', 2, 500);
    now += 49;
    expect(c.get('a')).toBe(1);
    now += 1;
    expect(c.get('a')).toBeUndefined();
    expect(c.get('b')).toBe(2);
    now += 500;
    c.prune();
    expect(c.size).toBe(0);
  });

  it('replacing a key updates its size', () => {
    const c = new LruCache<string, string>({ maxEntries: 10, maxSize: 100, sizeOf: (v) => v.length });
    c.set('a', 'x'.repeat(10));
    c.set('a', 'x'.repeat(20));
    expect(c.totalSize).toBe(20);
    c.delete('a');
    expect([c.size, c.totalSize]).toEqual([0, 0]);
  });
});
