// The messages between the sandbox's host side and its JavaScript workers and Python processes.
// Worker and child entry files import nothing of ours (Node runs them as they are), so they repeat these shapes.

export interface SandboxJob {
  id: number;
  code: string;
  /** The inputs as JSON text. */
  inputs: string;
  timeoutMs: number;
  memoryBytes: number;
  maxOutputBytes: number;
}

/** Why an execution failed: decides the message and whether the worker or process is replaced. */
export type SandboxFailureKind = 'error' | 'timeout' | 'memory' | 'output' | 'crashed';

export type SandboxReply = { id: number; ok: true; output: string } | { id: number; ok: false; kind: SandboxFailureKind; message: string };
