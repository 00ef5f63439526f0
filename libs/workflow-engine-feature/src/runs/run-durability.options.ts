// How the engine survives its own crashes and its dependencies' outages: how fast a dead worker's
// runs are taken over, how long a run waits out a Postgres or Redis outage, how often stranded runs
// are looked for. Distributed defaults; each is an env var of workflow-engine (see its config).

export interface RunDurabilityOptions {
  /** A run job's lock: a worker renews it every half of this; a dead worker's runs are free this long after its last renewal. */
  jobLockMs: number;
  /** How often workers look for run jobs whose lock expired. Takeover after a SIGKILL: at most about jobLockMs + stallCheckMs. */
  stallCheckMs: number;
  /** Takeovers of one run job before the run fails (a run that keeps killing its workers). */
  maxTakeovers: number;
  /** How long one delivery of a run waits out Postgres or Redis being unreachable (resuming from its checkpoints) before the attempt fails. */
  outageRetryMs: number;
  /** How often each engine looks for stranded runs (queued or running, with no job pending in the queue). */
  sweepEveryMs: number;
  /** A run is only stranded once its row has not changed for this long (a run being enqueued right now is not). */
  sweepStaleMs: number;
  /** How long an LLM call keeps retrying model-pool while it is unreachable (refused, reset, 502/503/504) before the node fails. */
  llmOutageRetryMs: number;
}

export const DEFAULT_RUN_DURABILITY: RunDurabilityOptions = {
  jobLockMs: 6000,
  stallCheckMs: 2000,
  maxTakeovers: 10,
  outageRetryMs: 300_000,
  sweepEveryMs: 15_000,
  sweepStaleMs: 30_000,
  llmOutageRetryMs: 30_000,
};
