// The errors a code execution fails with; the message becomes the code node's error.
import type { SandboxFailureKind } from './sandbox-protocol';

export type CodeSandboxErrorCode = SandboxFailureKind | 'busy' | 'cancelled' | 'unavailable';

export class CodeSandboxError extends Error {
  constructor(
    readonly code: CodeSandboxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
