// @shoal/code-sandbox — the workflow runtime's CodeSandbox port: JavaScript in QuickJS (WebAssembly) worker
// threads, Python in Pyodide child processes, each execution within time, memory and output limits.
//
//   new WorkerCodeSandbox(limits?: Partial<CodeSandboxLimits>): CodeSandbox & { close(): void }
//   DEFAULT_CODE_SANDBOX_LIMITS   -> { timeoutMs: 15000, jsMemoryBytes: 64 MiB, pythonMemoryBytes: 256 MiB, maxOutputBytes: 1 MiB, ... }
//   CodeSandboxError              -> .code: 'error' | 'timeout' | 'memory' | 'output' | 'crashed' | 'busy' | 'cancelled' | 'unavailable'
export { WorkerCodeSandbox, DEFAULT_CODE_SANDBOX_LIMITS, type CodeSandboxLimits } from './code.sandbox';
export { CodeSandboxError, type CodeSandboxErrorCode } from './code-sandbox.errors';
