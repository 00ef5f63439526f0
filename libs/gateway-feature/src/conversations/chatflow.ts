// Whether a workflow version is a chatflow (Dify's advanced-chat app): its runs take a query and belong to conversations.

/** The stored graph's mode when it was imported with one; else answer nodes make it a chatflow, as in Dify. */
export function isChatflow(stored: unknown): boolean {
  if (typeof stored !== 'object' || stored === null) return false;
  const { mode, nodes } = stored as { mode?: unknown; nodes?: unknown };
  if (mode === 'advanced-chat') return true;
  if (mode === 'workflow') return false;
  return Array.isArray(nodes) && nodes.some((n: unknown) => (n as { data?: { type?: unknown } } | null)?.data?.type === 'answer');
}
