import { QUICKJS_STACK_BYTES, quickJsMemoryLayout, readWasmLayout } from './quickjs-memory-layout';

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const i32Const = (n: number) => [0x41, ...sleb(n), 0x0b];

/** A module with the given globals (type, mutable, i32 init) and active data segments (offset, length). */
function wasm(globals: Array<[number, boolean, number]>, segments: Array<[number, number]>): Uint8Array {
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0]), // an empty type section, skipped
    ...section(6, [...uleb(globals.length), ...globals.flatMap(([type, mutable, init]) => [type, mutable ? 1 : 0, ...i32Const(init)])]),
    ...section(11, [
      ...uleb(segments.length),
      ...segments.flatMap(([offset, length]) => [0, ...i32Const(offset), ...uleb(length), ...new Array<number>(length).fill(7)]),
    ]),
  ]);
}

describe('readWasmLayout', () => {
  it("reads Emscripten's stack pointer (the first mutable i32 global) and where the data segments end", () => {
    const bytes = wasm(
      [
        [0x7f, false, 12],
        [0x7f, true, 5_333_088],
        [0x7f, true, 99],
      ],
      [
        [1024, 300],
        [87_000, 227],
        [2048, 10],
      ],
    );
    expect(readWasmLayout(bytes)).toEqual({ stackPointer: 5_333_088, dataSegmentsEnd: 87_227 });
  });

  it('refuses a module without a stack pointer or with a data segment it cannot place', () => {
    expect(() => readWasmLayout(wasm([[0x7f, false, 1]], []))).toThrow(/no stack pointer/);
    const passive = wasm([[0x7f, true, 1]], [[0, 1]]);
    passive[passive.length - 6] = 1; // the segment's flags (then i32.const 0, end, length 1, one byte): passive
    expect(() => readWasmLayout(passive)).toThrow(/data segment kind 1/);
  });
});

describe('quickJsMemoryLayout', () => {
  it('finds the installed QuickJS build laid out as the worker snapshots it: statics, a 5 MiB stack, then the heap', () => {
    const layout = quickJsMemoryLayout();
    expect(layout.wasmFile).toMatch(/emscripten-module\.wasm$/);
    expect(layout.heapBase - layout.dataEnd).toBe(QUICKJS_STACK_BYTES);
    expect(layout.dataEnd).toBeGreaterThan(1024);
  });
});
