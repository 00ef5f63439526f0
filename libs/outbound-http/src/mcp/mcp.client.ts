// Calls MCP servers over Streamable HTTP with the official SDK client, through the guarded fetch (the
// outbound address policy on every connection and redirect). One short session per operation: no
// connection outlives a call, so nothing is kept that another replica would need. Everything is bounded:
// time per operation, bytes per response, tools per listing.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { OutboundAddressPolicy } from '../address-policy';
import type { HostResolver } from '../guarded.connector';
import { OutboundHttpError } from '../outbound-http.errors';
import { guardedFetch, type GuardedFetch } from './guarded.fetch';

// The MCP SDK (~80 files, and its JSON-schema dependencies) is loaded by the first session, not by
// every service that imports this lib (the gateway and the engine make sessions; most processes never do)
let sdk: { Client: typeof Client; Transport: typeof StreamableHTTPClientTransport } | undefined;
const mcpSdk = (): NonNullable<typeof sdk> =>
  (sdk ??= {
    Client: (require('@modelcontextprotocol/sdk/client/index.js') as typeof import('@modelcontextprotocol/sdk/client/index.js')).Client,
    Transport: (
      require('@modelcontextprotocol/sdk/client/streamableHttp.js') as typeof import('@modelcontextprotocol/sdk/client/streamableHttp.js')
    ).StreamableHTTPClientTransport,
  });

export interface McpEndpoint {
  url: string;
  /** Sent with every request (opened secrets: never logged). */
  headers: Readonly<Record<string, string>>;
}

export interface McpClientLimits {
  /** One tools/call, connection and initialization included. */
  callTimeoutMs: number;
  /** One tools/list (all pages). */
  listTimeoutMs: number;
  connectTimeoutMs: number;
  /** Bytes of any one response (a tool's result is one). */
  maxResponseBytes: number;
  /** Tools a server may list; more is refused. */
  maxTools: number;
}

export const DEFAULT_MCP_CLIENT_LIMITS: Readonly<McpClientLimits> = {
  callTimeoutMs: 60_000,
  listTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  maxResponseBytes: 1024 * 1024,
  maxTools: 200,
};

export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** A tools/call result as the protocol gives it (content items, structured content, error flag). */
export interface McpCallResult {
  content: Array<Record<string, unknown>>;
  structuredContent?: Record<string, unknown>;
  isError: boolean;
}

const MAX_LIST_PAGES = 20;

export class McpClient {
  private readonly fetch: GuardedFetch;
  readonly limits: McpClientLimits;

  constructor(o: { policy: OutboundAddressPolicy; resolve?: HostResolver; limits?: Partial<McpClientLimits> }) {
    this.limits = { ...DEFAULT_MCP_CLIENT_LIMITS, ...o.limits };
    this.fetch = guardedFetch({
      policy: o.policy,
      resolve: o.resolve,
      connectTimeoutMs: this.limits.connectTimeoutMs,
      maxResponseBytes: this.limits.maxResponseBytes,
    });
  }

  listTools(ep: McpEndpoint, signal?: AbortSignal): Promise<McpToolInfo[]> {
    return this.session(ep, this.limits.listTimeoutMs, signal, async (client, opts) => {
      const tools: McpToolInfo[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const res = await client.listTools(cursor ? { cursor } : undefined, opts);
        for (const t of res.tools) {
          if (tools.length >= this.limits.maxTools)
            throw new OutboundHttpError('response_too_large', `the MCP server lists more than ${this.limits.maxTools} tools`);
          tools.push({ name: t.name, description: t.description ?? '', inputSchema: t.inputSchema as Record<string, unknown> });
        }
        cursor = res.nextCursor;
        if (!cursor) break;
      }
      return tools;
    });
  }

  callTool(ep: McpEndpoint, name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpCallResult> {
    return this.session(ep, this.limits.callTimeoutMs, signal, async (client, opts) => {
      const res = await client.callTool({ name, arguments: args }, undefined, opts);
      return {
        content: Array.isArray(res.content) ? (res.content as Array<Record<string, unknown>>) : [],
        structuredContent: (res.structuredContent as Record<string, unknown> | undefined) ?? undefined,
        isError: res.isError === true,
      };
    });
  }

  close(): Promise<void> {
    return this.fetch.close();
  }

  /** Connects, runs `fn`, closes; the whole within `timeoutMs` and `signal`. */
  private async session<T>(
    ep: McpEndpoint,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    fn: (client: Client, opts: { signal: AbortSignal; timeout: number; maxTotalTimeout: number }) => Promise<T>,
  ): Promise<T> {
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const { Client: SdkClient, Transport } = mcpSdk();
    const transport = new Transport(new URL(ep.url), {
      fetch: this.fetch,
      requestInit: { headers: { ...ep.headers }, signal: combined },
      // a dropped stream is a failed call here, not one to resume later
      reconnectionOptions: { maxReconnectionDelay: 1000, initialReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1, maxRetries: 0 },
    });
    const client = new SdkClient({ name: 'shoal', version: '1.0.0' });
    const opts = { signal: combined, timeout: timeoutMs, maxTotalTimeout: timeoutMs };
    try {
      await client.connect(transport, opts);
      return await fn(client, opts);
    } catch (e) {
      if (deadline.aborted && !signal?.aborted)
        throw new OutboundHttpError('timeout', `the MCP server did not answer within ${timeoutMs} ms`);
      throw masked(e, Object.values(ep.headers));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}

/** The error with any header value (a secret) blanked out of its message: a server may echo what it was sent. */
function masked(e: unknown, secrets: readonly string[]): unknown {
  if (!(e instanceof Error)) return e;
  const values = secrets.filter((v) => v.length >= 4);
  if (!values.some((v) => e.message.includes(v))) return e;
  e.message = values.reduce((m, v) => m.split(v).join('***'), e.message);
  return e;
}
