// Where the QuickJS WebAssembly build keeps its state in linear memory, read from its .wasm file once per
// process. The JavaScript worker snapshots exactly these ranges after setting up an interpreter and copies
// them back after every execution (quickjs.worker.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Emscripten lays the memory out as [static data and bss][C stack, growing down][heap, growing up]. The
 * stack's size is a link option: quickjs-emscripten builds every variant with `-s STACK_SIZE=5MB`.
 */
export const QUICKJS_STACK_BYTES = 5 * 1024 * 1024;
// bss (zero-initialised statics) sits between the last data segment and the stack; QuickJS's and libc's are a few KiB
const MAX_BSS_BYTES = 64 * 1024;

export interface QuickJsMemoryLayout {
  wasmFile: string;
  /** [0, dataEnd): static data and bss, i.e. the C library's and QuickJS's globals (malloc's state among them). */
  dataEnd: number;
  /** Where the heap starts: the stack's top, the initial value of the module's stack pointer. */
  heapBase: number;
}

let cached: QuickJsMemoryLayout | null = null;

/** The layout of `@jitl/quickjs-wasmfile-release-sync`'s module; throws if the build is not laid out as expected. */
export function quickJsMemoryLayout(): QuickJsMemoryLayout {
  if (cached) return cached;
  const wasmFile = path.join(path.dirname(require.resolve('@jitl/quickjs-wasmfile-release-sync')), 'emscripten-module.wasm');
  const { stackPointer, dataSegmentsEnd } = readWasmLayout(readFileSync(wasmFile));
  const dataEnd = stackPointer - QUICKJS_STACK_BYTES;
  if (dataEnd < dataSegmentsEnd || dataEnd - dataSegmentsEnd > MAX_BSS_BYTES)
    throw new Error(
      `${wasmFile} is not laid out as the JavaScript sandbox expects (stack top ${stackPointer}, data up to ${dataSegmentsEnd}, a ${QUICKJS_STACK_BYTES}-byte stack)`,
    );
  cached = { wasmFile, dataEnd, heapBase: stackPointer };
  return cached;
}

/**
 * From a WebAssembly binary: the initial value of its first mutable i32 global (Emscripten's stack
 * pointer) and the end of its active data segments. Only what these two need of the format is read.
 */
export function readWasmLayout(bytes: Uint8Array): { stackPointer: number; dataSegmentsEnd: number } {
  let at = 8; // magic and version
  const u32 = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) return value;
    }
  };
  const i32 = (): number => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[at++];
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return shift < 32 && byte & 0x40 ? value | (-1 << shift) : value;
  };
  // an init expression that is `i32.const n; end`, else null
  const constExpr = (): number | null => {
    if (bytes[at] !== 0x41) return null;
    at++;
    const value = i32();
    return bytes[at++] === 0x0b ? value : null;
  };
  let stackPointer: number | null = null;
  let dataSegmentsEnd = 0;
  while (at < bytes.length) {
    const section = bytes[at++];
    const size = u32();
    const end = at + size;
    if (section === 6) {
      // globals: type, mutability, init expression
      for (let n = u32(); n > 0 && stackPointer === null; n--) {
        const type = bytes[at++];
        const mutable = bytes[at++] === 1;
        const init = constExpr();
        if (init === null) break;
        if (type === 0x7f && mutable) stackPointer = init;
      }
    } else if (section === 11) {
      // data segments: flags 0 = active in memory 0 at a constant offset
      for (let n = u32(); n > 0; n--) {
        const flags = u32();
        if (flags !== 0) throw new Error(`unexpected data segment kind ${flags} in the QuickJS build`);
        const offset = constExpr();
        if (offset === null) throw new Error('unexpected data segment offset in the QuickJS build');
        const length = u32();
        dataSegmentsEnd = Math.max(dataSegmentsEnd, offset + length);
        at += length;
      }
    }
    at = end;
  }
  if (stackPointer === null) throw new Error('no stack pointer global in the QuickJS build');
  return { stackPointer, dataSegmentsEnd };
}
