// A run delivery that hits a Postgres or Redis outage (an infrastructure error, not the run's own
// failure) is not failed and not handed back to the queue, which would spend the job's attempts in
// seconds: it waits here, with backoff, and resumes from its checkpoints once the dependency answers.
import { isInfrastructureError } from '@shoal/platform';

const FIRST_WAIT_MS = 250;
const MAX_WAIT_MS = 5000;

export interface OutageWaitHooks {
  /** called before each wait, with the error and how long the wait is */
  onWait(err: unknown, waitMs: number): void;
  /** true once the process is shutting down: stop waiting, let the queue hand the run to another worker */
  stopping(): boolean;
  sleep?(ms: number): Promise<void>;
}

/** Runs `attempt` until it settles with anything but an infrastructure error, or `budgetMs` has passed. */
export async function waitOutOutages(attempt: () => Promise<void>, budgetMs: number, hooks: OutageWaitHooks): Promise<void> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + budgetMs;
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, MAX_WAIT_MS)) {
    try {
      return await attempt();
    } catch (err) {
      if (!isInfrastructureError(err) || hooks.stopping() || Date.now() + wait > deadline) throw err;
      hooks.onWait(err, wait);
      await sleep(wait);
    }
  }
}
