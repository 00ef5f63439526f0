// A run event as SSE sends it. Dify's chat events (message, message_replace, message_end) carry their fields at the top
// level, next to `event` and `task_id`; the workflow events nest theirs under `data`, as Dify's do.
import type { RunEvent } from '@shoal/contracts';

export function presentRunEvent(e: RunEvent): Record<string, unknown> {
  if (e.event !== 'message' && e.event !== 'message_replace' && e.event !== 'message_end') return e;
  const { data, ...envelope } = e;
  return { ...envelope, ...data };
}
