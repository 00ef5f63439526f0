// Escape attempts against the real sandbox: every one fails as a node error, and the sandbox keeps serving.
import { WorkerCodeSandbox } from './code.sandbox';
import type { CodeSandboxLanguage } from '@shoal/workflow-runtime';

jest.setTimeout(180_000);

// Roomy: a loaded CI machine can starve a worker thread, and a memory bomb must reach its memory limit
// before the time limit does (the loops below still show the time limit).
const TIME_LIMIT_MS = 5000;

const sandbox = new WorkerCodeSandbox({
  timeoutMs: TIME_LIMIT_MS,
  jsMemoryBytes: 32 * 1024 * 1024,
  pythonMemoryBytes: 128 * 1024 * 1024,
  maxOutputBytes: 100_000,
  jsWorkers: 1,
  pythonProcesses: 1,
});
afterAll(() => sandbox.close());

const HEALTHY = {
  javascript: 'function main({ a, b }) {\n  return { sum: a + b }\n}',
  python3: 'def main(a, b):\n    return {"sum": a + b}',
};

// Python's way to the interpreter's sys module without importing it: a class's function globals
const PY_SYS = `
def _sys():
    for c in ().__class__.__base__.__subclasses__():
        g = getattr(getattr(c, "__init__", None), "__globals__", None)
        if g and "sys" in g:
            return g["sys"]
`;

const JS_CASES: Array<[string, string, RegExp]> = [
  ['process is not there', 'function main() { return { env: process.env } }', /ReferenceError: .*process/],
  [
    'require is not there',
    "function main() { return { fs: require('fs').readFileSync('/etc/passwd', 'utf8') } }",
    /ReferenceError: .*require/,
  ],
  [
    'dynamic import() gets no module',
    "function main() { return import('node:child_process') }",
    /could not load module|main returned a Promise/,
  ],
  ['a static import loads no module', "import fs from 'fs';\nfunction main() { return {} }", /could not load module 'fs'/],
  ['Function constructor reaches no host global', "function main() { return { env: Function('return this')().process.env } }", /TypeError/],
  [
    'constructor chain from a function reaches no host',
    "function main() { return { p: (() => 0).constructor.constructor('return process')() } }",
    /ReferenceError: .*process/,
  ],
  ['eval sees no host', "function main() { return { v: eval('process.mainModule') } }", /ReferenceError/],
  [
    'a globalThis walk finds no host object',
    `function main() {
       const seen = new Set(); const found = [];
       (function walk(o, depth) {
         if (!o || depth > 3 || seen.has(o)) return; seen.add(o);
         for (const k of Reflect.ownKeys(o)) {
           if (['process', 'require', 'module', 'Buffer', 'setTimeout', 'fetch', 'WebAssembly'].includes(String(k))) found.push(String(k));
           try { const v = o[k]; if (typeof v === 'object' || typeof v === 'function') walk(v, depth + 1) } catch {}
         }
       })(globalThis, 0);
       return found.length ? { found } : globalThis.process.binding('fs');
     }`,
    /TypeError/,
  ],
  [
    'prototype tricks reach no host',
    "function main() { Object.prototype.__defineGetter__('x', function () { return this }); return { p: ({}).x.constructor.constructor('return process')() } }",
    /ReferenceError: .*process/,
  ],
  [
    'a stack trace hook reaches no host',
    'function main() { Error.prepareStackTrace = (e, s) => s[0].getThis(); return { p: new Error().stack.process.pid } }',
    /TypeError/,
  ],
  ['no timers', 'function main() { setTimeout(() => 0, 10); return {} }', /ReferenceError: .*setTimeout/],
  ['no network', "function main() { fetch('http://127.0.0.1:1/'); return {} }", /ReferenceError: .*fetch/],
  ['no WebAssembly inside', 'function main() { return { m: new WebAssembly.Memory({ initial: 1 }) } }', /ReferenceError: .*WebAssembly/],
  ['an infinite loop hits the time limit', 'function main() { for (;;) {} }', new RegExp(`time limit of ${TIME_LIMIT_MS} ms`)],
  [
    'catching the interrupt does not help',
    'function main() { for (;;) { try { for (;;) {} } catch (e) {} } }',
    new RegExp(`time limit of ${TIME_LIMIT_MS} ms`),
  ],
  [
    'a memory bomb hits the memory limit',
    'function main() { const a = []; for (;;) a.push(new Uint8Array(4 << 20)) }',
    /memory limit of 32 MiB/,
  ],
  // QuickJS's own limit does not count ArrayBuffer storage: the capped WebAssembly memory stops it
  [
    'an ArrayBuffer bomb hits the memory limit',
    'function main() { const a = []; for (;;) a.push(new ArrayBuffer(16 << 20)) }',
    /memory limit of 32 MiB/,
  ],
  ['a string bomb fails', "function main() { let s = 'x'; for (;;) s += s }", /memory limit|string too long|RangeError/],
  ['deep recursion fails', 'function main() { const f = (n) => f(n + 1) + 1; return { r: f(0) } }', /stack overflow|Maximum call stack/],
  ['a huge output hits the output limit', "function main() { return { s: 'x'.repeat(200000) } }", /more than the limit of 100000/],
  ['a circular result fails', 'function main() { const o = {}; o.o = o; return o }', /TypeError: circular/],
  ['an async main is refused', 'async function main() { return {} }', /main returned a Promise/],
  ['code without main fails', 'const x = 1', /defines no function main/],
];

const PY_CASES: Array<[string, string, RegExp]> = [
  ['import os is refused', 'import os\ndef main():\n    return {"cwd": os.getcwd()}', /ImportError: import of 'os' is not allowed/],
  ['import subprocess is refused', 'import subprocess\ndef main():\n    return {}', /ImportError: import of 'subprocess'/],
  ['import socket is refused', 'def main():\n    import socket\n    return {}', /ImportError: import of 'socket'/],
  ['open is not there', 'def main():\n    return {"p": open("/etc/passwd").read()}', /NameError: name 'open' is not defined/],
  ['__import__ is guarded too', 'def main():\n    return {"p": __import__("os").environ}', /ImportError: import of 'os'/],
  ['exec inherits the guard', 'def main():\n    exec("import os")\n    return {}', /ImportError: import of 'os'/],
  ['the js bridge module is refused', 'import js\ndef main():\n    return {"env": js.process.env}', /ImportError: import of 'js'/],
  ['pyodide is refused', 'from pyodide.code import run_js\ndef main():\n    return {}', /ImportError: import of 'pyodide.code'/],
  [
    'a submodule through from-import is refused',
    'from urllib import request\ndef main():\n    return {}',
    /ImportError: import of 'urllib.request'/,
  ],
  ['ctypes is refused', 'import ctypes\ndef main():\n    return {}', /ImportError: import of 'ctypes'/],
  [
    'the js module is gone even from sys.modules',
    `${PY_SYS}\ndef main():\n    return {"env": str(_sys().modules["js"].process.env)}`,
    /KeyError: 'js'/,
  ],
  ['run_js is gone', `${PY_SYS}\ndef main():\n    return {"r": _sys().modules["pyodide.code"].run_js("process.env")}`, /AttributeError/],
  [
    'a recovered to_js still cannot generate code in the host',
    `${PY_SYS}\ndef main():\n    sys = _sys()\n    del sys.modules["_pyodide_core"]\n    core = sys.modules["builtins"].__import__("_pyodide_core")\n    return {"g": str(core.to_js([1]).constructor.constructor("return process")())}`,
    /Code generation from strings disallowed/,
  ],
  ['an infinite loop hits the time limit', 'def main():\n    while True:\n        pass', new RegExp(`time limit of ${TIME_LIMIT_MS} ms`)],
  [
    'a growing memory bomb hits the memory limit',
    'def main():\n    x = []\n    while True:\n        x.append(bytearray(1024 * 1024))',
    /memory limit of 128 MiB|ran out of memory/,
  ],
  ['one huge allocation fails', 'def main():\n    return {"x": len(" " * (10 ** 11))}', /MemoryError|OverflowError|ran out of memory/],
  ['deep recursion fails', 'def main():\n    def f(n):\n        return f(n + 1)\n    return {"r": f(0)}', /RecursionError/],
  ['a huge output hits the output limit', 'def main():\n    return {"s": "x" * 200000}', /more than the limit of 100000/],
  ['NaN cannot leave', 'def main():\n    return {"n": float("nan")}', /ValueError: Out of range float values/],
];

async function attempt(language: CodeSandboxLanguage, code: string): Promise<string> {
  try {
    const out = await sandbox.run({ language, code, inputs: {} });
    return `succeeded: ${JSON.stringify(out)}`;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('code sandbox escape attempts', () => {
  describe.each([
    ['javascript', JS_CASES],
    ['python3', PY_CASES],
  ] as const)('%s', (language, cases) => {
    it.each(cases)('%s', async (_name, code, expected) => {
      expect(await attempt(language, code)).toMatch(expected);
      // and the next execution is served as usual
      await expect(sandbox.run({ language, code: HEALTHY[language], inputs: { a: 2, b: 3 } })).resolves.toEqual({ sum: 5 });
    });
  });

  it('lets JavaScript log (into nothing), as code written for Dify does', async () => {
    await expect(
      sandbox.run({
        language: 'javascript',
        code: "function main({ a }) {\n  console.log('a is', a)\n  return { a }\n}",
        inputs: { a: 1 },
      }),
    ).resolves.toEqual({ a: 1 });
  });

  it('leaves nothing behind for the next JavaScript execution', async () => {
    await sandbox.run({
      language: 'javascript',
      code: "function main() { globalThis.leak = 'secret'; Object.prototype.polluted = 1; JSON.parse = () => ({ hijacked: true }); return {} }",
      inputs: {},
    });
    await expect(
      sandbox.run({
        language: 'javascript',
        code: 'function main(i) { return { leak: typeof leak, polluted: ({}).polluted ?? null, parsed: i } }',
        inputs: { x: 1 },
      }),
    ).resolves.toEqual({ leak: 'undefined', polluted: null, parsed: { x: 1 } });
  });

  // One QuickJS per worker is reset to a snapshot of its memory after every execution (quickjs.worker.ts):
  // these show that the reset leaves nothing of one execution for the next, and that the limits hold on a
  // reused interpreter.
  describe('JavaScript: an execution starts from the same interpreter state every time', () => {
    const js = (code: string, inputs: Record<string, unknown> = {}) => sandbox.run({ language: 'javascript', code, inputs });

    it('leaves no global, binding, prototype change, registry entry or frozen builtin behind', async () => {
      await js(`var leakedVar = 'v';
        let leakedLet = 'l';
        const leakedConst = 'c';
        function leakedFunction() {}
        globalThis.leakedGlobal = 'g';
        function main() {
          Object.prototype.polluted = 1;
          Array.prototype.push = function () { return -1 };
          Function.prototype.call = function () { return 'hijacked' };
          String.prototype.toUpperCase = () => 'hijacked';
          Symbol.for('shoal.leak').description;
          globalThis[Symbol.for('shoal.leak')] = 'secret';
          Math.random = () => 0.5;
          Date.now = () => 0;
          JSON.stringify = () => '{"hijacked":true}';
          console.log = () => { throw new Error('hijacked') };
          Object.freeze(Object.prototype);
          Object.freeze(Array.prototype);
          delete globalThis.Reflect;
          return {};
        }`);
      await expect(
        js(
          `function main(i) {
          const a = []; a.push(1);
          console.log('still discards');
          Object.prototype.added = 1; // throws in strict code if Object.prototype were still frozen
          return {
            globals: [typeof leakedVar, typeof leakedLet, typeof leakedConst, typeof leakedFunction, typeof leakedGlobal],
            polluted: ({}).polluted ?? null, frozen: Object.isFrozen(Array.prototype), pushed: a.length,
            called: Math.max.call(null, 1, 2), upper: 'a'.toUpperCase(), symbol: globalThis[Symbol.for('shoal.leak')] ?? null,
            random: Math.random() !== 0.5, now: Date.now() > 0, reflect: typeof Reflect, parsed: i,
          };
        }`,
          { x: 1 },
        ),
      ).resolves.toEqual({
        globals: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined'],
        polluted: null,
        frozen: false,
        pushed: 1,
        called: 2,
        upper: 'A',
        symbol: null,
        random: true,
        now: true,
        reflect: 'object',
        parsed: { x: 1 },
      });
    });

    it('does not replay Math.random from one execution to the next, at the top level either', async () => {
      const code = 'const first = Math.random();\nfunction main() { return { r: [first, Math.random(), Math.random()] } }';
      const runs = (await Promise.all([js(code), js(code), js(code)])) as Array<{ r: number[] }>;
      const all = runs.flatMap((x) => x.r);
      expect(new Set(all).size).toBe(all.length);
      for (const r of all) expect(r >= 0 && r < 1).toBe(true);
    });

    it('finds main however the code declares it', async () => {
      for (const code of [
        'var main = function ({ a }) { return { a } }',
        'let main = ({ a }) => ({ a })',
        'const main = ({ a }) => ({ a })',
        'globalThis.main = ({ a }) => ({ a })',
      ])
        await expect(js(code, { a: 1 })).resolves.toEqual({ a: 1 });
      await expect(js('export function main() { return {} }')).rejects.toThrow(/defines no function main/);
    });

    it('hands an execution memory a previous one filled as zeros, and the memory limit holds after the memory grew', async () => {
      // 24 MiB of typed arrays (not counted by QuickJS's own limit) grows the WebAssembly memory; the execution succeeds
      const fill = `function main() {
        const kept = [];
        for (let i = 0; i < 24; i++) kept.push(new Uint8Array(1 << 20).fill(0x5a));
        return { n: kept.length };
      }`;
      await expect(js(fill)).resolves.toEqual({ n: 24 });
      await expect(
        js(`function main() {
          let stale = 0;
          for (let i = 0; i < 24; i++) { const b = new Uint8Array(1 << 20); for (let j = 0; j < b.length; j += 512) stale += b[j] }
          const s = new Array(2000).fill(0).map((_, i) => 'k' + i).join('');
          return { stale, length: s.length > 0 };
        }`),
      ).resolves.toEqual({ stale: 0, length: true });
      // the allocator starts over each time: 20 × 24 MiB would not fit in one execution's 32 MiB
      for (let i = 0; i < 20; i++) await expect(js(fill)).resolves.toEqual({ n: 24 });
      await expect(js('function main() { const a = []; for (;;) a.push(new ArrayBuffer(16 << 20)) }')).rejects.toThrow(
        /memory limit of 32 MiB/,
      );
      await expect(js(HEALTHY.javascript, { a: 2, b: 3 })).resolves.toEqual({ sum: 5 });
    });

    it('still stops a memory bomb and an endless loop after many executions on the same interpreter', async () => {
      for (let i = 0; i < 300; i++) await expect(js(HEALTHY.javascript, { a: i, b: 1 })).resolves.toEqual({ sum: i + 1 });
      await expect(js('function main() { const a = []; for (;;) a.push(new Uint8Array(4 << 20)) }')).rejects.toThrow(
        /memory limit of 32 MiB/,
      );
      for (let i = 0; i < 300; i++) await expect(js(HEALTHY.javascript, { a: i, b: 1 })).resolves.toEqual({ sum: i + 1 });
      await expect(js("function main() { let s = 'x'; for (;;) s += s }")).rejects.toThrow(/memory limit|string too long|RangeError/);
      await expect(js('function main() { for (;;) {} }')).rejects.toThrow(new RegExp(`time limit of ${TIME_LIMIT_MS} ms`));
      await expect(js(HEALTHY.javascript, { a: 2, b: 3 })).resolves.toEqual({ sum: 5 });
    });
  });

  it('leaves no module state behind for the next Python execution', async () => {
    await sandbox.run({
      language: 'python3',
      code: 'import json, math\ndef main():\n    math.secret = "x"\n    json.dumps = lambda *a, **k: "hijacked"\n    return {}',
      inputs: {},
    });
    await expect(
      sandbox.run({
        language: 'python3',
        code: 'import json, math\ndef main(x):\n    return {"secret": hasattr(math, "secret"), "dumped": json.dumps([x])}',
        inputs: { x: 1 },
      }),
    ).resolves.toEqual({ secret: false, dumped: '[1]' });
  });

  it("sees none of the host environment in Python (Pyodide's own stand-in only)", async () => {
    await expect(
      sandbox.run({
        language: 'python3',
        code: `${PY_SYS}\ndef main():\n    return {"env": dict(_sys().modules["os"].environ)}`,
        inputs: {},
      }),
    ).resolves.toEqual({ env: expect.objectContaining({ PATH: '/', HOME: '/home/pyodide' }) });
  });
});
