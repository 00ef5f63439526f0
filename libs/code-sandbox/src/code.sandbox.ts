// The CodeSandbox port over QuickJS worker threads (JavaScript) and Pyodide processes (Python, started on first use).
import type { CodeSandbox, CodeSandboxRequest } from '@shoal/workflow-runtime';
import { CodeSandboxError } from './code-sandbox.errors';
import { SandboxPool } from './sandbox-pool';
import { spawnQuickJsWorker } from './quickjs.executor';
import { spawnPyodideProcess } from './pyodide.executor';

export interface CodeSandboxLimits {
  /** Time one execution may take (Dify's sandbox: WORKER_TIMEOUT, 15 s). */
  timeoutMs: number;
  /** QuickJS heap of one JavaScript execution. */
  jsMemoryBytes: number;
  /** What one Python execution may add to its process's resident memory. */
  pythonMemoryBytes: number;
  /** Characters of the JSON that `main` returns. */
  maxOutputBytes: number;
  /** JavaScript worker threads (each runs one execution at a time). */
  jsWorkers: number;
  /** Python processes (each holds a Pyodide, ~100 MB, and runs one execution at a time). */
  pythonProcesses: number;
  /** Executions that may wait for a free worker, per language. */
  maxQueue: number;
}

export const DEFAULT_CODE_SANDBOX_LIMITS: Readonly<CodeSandboxLimits> = {
  timeoutMs: 15_000,
  jsMemoryBytes: 64 * 1024 * 1024,
  pythonMemoryBytes: 256 * 1024 * 1024,
  maxOutputBytes: 1024 * 1024,
  jsWorkers: 2,
  pythonProcesses: 1,
  maxQueue: 100,
};

const GRACE_MS = 1000;

export class WorkerCodeSandbox implements CodeSandbox {
  private readonly limits: CodeSandboxLimits;
  private readonly js: SandboxPool;
  private readonly python: SandboxPool;

  constructor(limits: Partial<CodeSandboxLimits> = {}) {
    this.limits = { ...DEFAULT_CODE_SANDBOX_LIMITS, ...limits };
    const l = this.limits;
    this.js = new SandboxPool({
      name: 'JavaScript',
      size: l.jsWorkers,
      maxQueue: l.maxQueue,
      graceMs: GRACE_MS,
      startTimeoutMs: 10_000,
      spawn: (events) => spawnQuickJsWorker(events, l.jsMemoryBytes),
    });
    // nothing of Pyodide is loaded until the first Python execution
    this.python = new SandboxPool({
      name: 'Python',
      size: l.pythonProcesses,
      maxQueue: l.maxQueue,
      graceMs: GRACE_MS,
      startTimeoutMs: 60_000,
      spawn: (events) => spawnPyodideProcess(events, l.pythonMemoryBytes),
    });
  }

  async run(req: CodeSandboxRequest): Promise<unknown> {
    const inputs = JSON.stringify(req.inputs);
    const pool = req.language === 'javascript' ? this.js : req.language === 'python3' ? this.python : null;
    if (!pool) throw new CodeSandboxError('unavailable', `code_language '${String(req.language)}' is not supported`);
    const output = await pool.run(
      {
        code: req.code,
        inputs,
        timeoutMs: this.limits.timeoutMs,
        memoryBytes: req.language === 'javascript' ? this.limits.jsMemoryBytes : this.limits.pythonMemoryBytes,
        maxOutputBytes: this.limits.maxOutputBytes,
      },
      req.signal,
    );
    return JSON.parse(output) as unknown;
  }

  close(): void {
    this.js.close();
    this.python.close();
  }
}
