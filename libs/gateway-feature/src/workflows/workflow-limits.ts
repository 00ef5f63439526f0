// The graph and run input bounds the gateway checks (WORKFLOW_MAX_*, RUN_INPUT*_MAX_BYTES).
import { DEFAULT_GRAPH_LIMITS, DEFAULT_RUN_INPUT_LIMITS } from '@shoal/workflow-dsl';
import type { WorkflowLimits } from '@shoal/platform';

export const WORKFLOW_LIMITS = Symbol('WORKFLOW_LIMITS');

export const DEFAULT_WORKFLOW_LIMITS: WorkflowLimits = {
  graph: { ...DEFAULT_GRAPH_LIMITS },
  inputs: { maxInputBytes: DEFAULT_RUN_INPUT_LIMITS.maxInputBytes, maxTotalInputBytes: DEFAULT_RUN_INPUT_LIMITS.maxTotalInputBytes },
};

/** The SecretBox sealing secret environment variables (SHOAL_SECRET_KEY); null when none is configured. */
export const SECRET_BOX = Symbol('SECRET_BOX');
