// Errors the runtime raises, each with a stable code.
import type { ValidationIssue } from '@shoal/workflow-dsl';

export type WorkflowRuntimeErrorCode = 'cancelled' | 'invalid_inputs' | 'no_executor' | 'limit_exceeded';

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

/** The run went past one of its limits (steps, run time, variable size, call depth): the run fails, naming it. */
export class RunLimitError extends WorkflowRuntimeError {
  constructor(
    /** The setting that bounds it, as Dify names it: WORKFLOW_MAX_EXECUTION_STEPS, ... */
    readonly limit: string,
    readonly value: number,
    detail: string,
  ) {
    super('limit_exceeded', `${detail} (${limit} = ${value})`);
  }
}
