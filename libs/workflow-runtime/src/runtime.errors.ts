// Errors the runtime raises, each with a stable code.
import type { ValidationIssue } from '@shoal/workflow-dsl';

export type WorkflowRuntimeErrorCode = 'cancelled' | 'invalid_inputs' | 'no_executor';

export class WorkflowRuntimeError extends Error {
  constructor(
    readonly code: WorkflowRuntimeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class RunCancelledError extends WorkflowRuntimeError {
  constructor() {
    super('cancelled', 'cancelled');
  }
}

export class InvalidRunInputsError extends WorkflowRuntimeError {
  constructor(readonly issues: ValidationIssue[]) {
    super('invalid_inputs', `invalid inputs: ${issues.map((i) => i.message).join('; ')}`);
  }
}
