/**
 * Another worker has taken this run over (this one stalled past its queue lock): whatever this
 * worker was doing for the run must stop, and none of its writes may land.
 */
export class LeaseLostError extends Error {
  readonly code = 'lease_lost';
  constructor(readonly runId: string) {
    super(`run ${runId} was taken over by another worker`);
    this.name = 'LeaseLostError';
  }
}
