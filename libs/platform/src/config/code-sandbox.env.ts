// Code node settings: the sandbox's per-execution limits (SHOAL_CODE_*) and Dify's output bounds (CODE_MAX_*, Dify's names and defaults).
import { z } from 'zod';
import { env } from './parse-config';

export const codeSandboxEnv = {
  /** wall time of one execution (Dify's sandbox WORKER_TIMEOUT is 15 s) */
  SHOAL_CODE_TIMEOUT_MS: env.positiveInt(15_000),
  /** QuickJS heap of one JavaScript execution */
  SHOAL_CODE_JS_MEMORY_MB: env.positiveInt(64),
  /** resident memory one Python execution may add to its Pyodide process */
  SHOAL_CODE_PYTHON_MEMORY_MB: env.positiveInt(256),
  /** characters of the JSON that main returns */
  SHOAL_CODE_MAX_OUTPUT_BYTES: env.positiveInt(1024 * 1024),
  SHOAL_CODE_JS_WORKERS: env.positiveInt(2),
  /** each holds a Pyodide (~150 MB resident) once Python is first used */
  SHOAL_CODE_PYTHON_PROCESSES: env.positiveInt(1),
  /** executions waiting for a free worker, per language, before new ones are refused */
  SHOAL_CODE_MAX_QUEUE: env.positiveInt(100),
  CODE_MAX_STRING_LENGTH: env.positiveInt(80_000),
  // Dify: ±9223372036854775807 (2^63 - 1), which a double holds as ±2^63
  CODE_MAX_NUMBER: z.coerce
    .number()
    .positive()
    .default(2 ** 63),
  CODE_MIN_NUMBER: z.coerce
    .number()
    .negative()
    .default(-(2 ** 63)),
  CODE_MAX_PRECISION: env.positiveInt(20),
  CODE_MAX_DEPTH: env.positiveInt(5),
  CODE_MAX_STRING_ARRAY_LENGTH: env.positiveInt(30),
  CODE_MAX_OBJECT_ARRAY_LENGTH: env.positiveInt(30),
  CODE_MAX_NUMBER_ARRAY_LENGTH: env.positiveInt(1000),
};

export interface CodeSettings {
  /** @shoal/code-sandbox's CodeSandboxLimits */
  sandbox: {
    timeoutMs: number;
    jsMemoryBytes: number;
    pythonMemoryBytes: number;
    maxOutputBytes: number;
    jsWorkers: number;
    pythonProcesses: number;
    maxQueue: number;
  };
  /** @shoal/workflow-runtime's CodeOutputLimits */
  output: {
    maxStringLength: number;
    maxNumber: number;
    minNumber: number;
    maxPrecision: number;
    maxDepth: number;
    maxNumberArrayLength: number;
    maxStringArrayLength: number;
    maxObjectArrayLength: number;
  };
}

type CodeEnv = { [K in keyof typeof codeSandboxEnv]: number };

/** The settings an app's parsed `codeSandboxEnv` variables describe. */
export function codeSettingsOf(c: CodeEnv): CodeSettings {
  const mb = 1024 * 1024;
  return {
    sandbox: {
      timeoutMs: c.SHOAL_CODE_TIMEOUT_MS,
      jsMemoryBytes: c.SHOAL_CODE_JS_MEMORY_MB * mb,
      pythonMemoryBytes: c.SHOAL_CODE_PYTHON_MEMORY_MB * mb,
      maxOutputBytes: c.SHOAL_CODE_MAX_OUTPUT_BYTES,
      jsWorkers: c.SHOAL_CODE_JS_WORKERS,
      pythonProcesses: c.SHOAL_CODE_PYTHON_PROCESSES,
      maxQueue: c.SHOAL_CODE_MAX_QUEUE,
    },
    output: {
      maxStringLength: c.CODE_MAX_STRING_LENGTH,
      maxNumber: c.CODE_MAX_NUMBER,
      minNumber: c.CODE_MIN_NUMBER,
      maxPrecision: c.CODE_MAX_PRECISION,
      maxDepth: c.CODE_MAX_DEPTH,
      maxNumberArrayLength: c.CODE_MAX_NUMBER_ARRAY_LENGTH,
      maxStringArrayLength: c.CODE_MAX_STRING_ARRAY_LENGTH,
      maxObjectArrayLength: c.CODE_MAX_OBJECT_ARRAY_LENGTH,
    },
  };
}
