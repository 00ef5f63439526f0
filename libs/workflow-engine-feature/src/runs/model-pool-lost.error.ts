/**
 * model-pool broke off one of the run's calls (it died, or the connection did), and the run failed
 * of it: an infrastructure error (the code says so to isInfrastructureError), so the run is resumed
 * from its checkpoints once model-pool answers, the broken node as its next attempt.
 */
export class ModelPoolLostError extends Error {
  readonly code = 'ECONNRESET';
  constructor(readonly runId: string) {
    super(`model-pool broke off a call of run ${runId}: resuming the run`);
    this.name = 'ModelPoolLostError';
  }
}
