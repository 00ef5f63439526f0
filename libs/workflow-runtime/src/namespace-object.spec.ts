import { namespaceObject } from './namespace-object';

describe('namespaceObject', () => {
  it('reads nothing inherited, by any name', () => {
    const o = namespaceObject();
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', '__defineGetter__'])
      expect((o as Record<string, unknown>)[name]).toBeUndefined();
    expect('toString' in o).toBe(false);
  });

  it('keeps `__proto__` and `constructor` as own keys, through a copy too', () => {
    const o = namespaceObject();
    o['__proto__'] = 'p';
    Reflect.set(o, 'constructor', 'c');
    expect(Object.keys(o)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(o)).toBe('{"__proto__":"p","constructor":"c"}');
    const copy = Object.assign(namespaceObject(), o);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(copy['__proto__']).toBe('p');
    expect(Object.keys(namespaceObject())).toEqual([]);
  });
});
