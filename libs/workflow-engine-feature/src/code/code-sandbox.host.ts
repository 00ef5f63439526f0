// The process's one code sandbox (its worker threads and Python processes), closed with the application.
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { WorkerCodeSandbox, type CodeSandboxLimits } from '@shoal/code-sandbox';

export const CODE_SANDBOX_LIMITS = Symbol('CODE_SANDBOX_LIMITS');

@Injectable()
export class CodeSandboxHost implements OnApplicationShutdown {
  readonly sandbox: WorkerCodeSandbox;

  constructor(@Inject(CODE_SANDBOX_LIMITS) limits: Partial<CodeSandboxLimits>) {
    // nothing starts here: workers start on the first JavaScript execution, Pyodide on the first Python one
    this.sandbox = new WorkerCodeSandbox(limits);
  }

  onApplicationShutdown(): void {
    this.sandbox.close();
  }
}
