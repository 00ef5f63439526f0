// Each MCP server's tool list, fetched once per TTL and shared by concurrent askers; bounded in entries.
// A failure is remembered briefly too, so an unreachable server is not asked on every request.
import type { McpClient, McpEndpoint, McpToolInfo } from './mcp.client';

export interface McpToolsCacheOptions {
  maxEntries: number;
  ttlMs: number;
  failureTtlMs: number;
  now?: () => number;
}

interface Entry {
  at: number;
  ok: boolean;
  pending: Promise<McpToolInfo[]>;
}

export class McpToolsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly o: Required<McpToolsCacheOptions>;

  constructor(
    private readonly client: McpClient,
    o: Partial<McpToolsCacheOptions> = {},
  ) {
    this.o = { maxEntries: 1000, ttlMs: 60_000, failureTtlMs: 10_000, now: Date.now, ...o };
  }

  /** `key` names the server and its settings (its id: registrations are immutable). Rejects as listTools does. */
  tools(key: string, ep: McpEndpoint): Promise<McpToolInfo[]> {
    const now = this.o.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < (hit.ok ? this.o.ttlMs : this.o.failureTtlMs)) return hit.pending;
    const entry: Entry = { at: now, ok: true, pending: this.client.listTools(ep) };
    entry.pending.catch(() => {
      entry.ok = false;
    });
    this.entries.delete(key);
    if (this.entries.size >= this.o.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, entry);
    return entry.pending;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
