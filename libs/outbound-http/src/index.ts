// @shoal/outbound-http — HTTP to user-given URLs, behind the outbound address policy (the SSRF guard).
//
//   new OutboundAddressPolicy(allow?: OutboundAllowList)   check(ip) -> { allowed, refusedAs }; allowsHost(name)
//   new GuardedHttpClient({ policy, resolve?, maxRedirects? })
//     request({ method, url, headers, body, timeouts, maxResponseBytes, sslVerify, signal }) -> { status, headers, body, url }
//     Every connection (each redirect hop too) resolves the host, checks the address and connects to
//     exactly that address; refusals reject with OutboundAddressRefusedError naming host, address and class.
//   new McpClient({ policy, resolve?, limits? })   listTools(endpoint), callTool(endpoint, name, args): MCP over Streamable HTTP
//     (the official SDK client) through guardedFetch: same policy on every connection and redirect, bounded time and bytes
//   parseAllowList(text), outboundHttpEnv (SHOAL_HTTP_ALLOW and Dify's HTTP_REQUEST_* limits), outboundHttpSettingsOf(config)

export {
  OutboundAddressPolicy,
  parseAllowList,
  mappedIpv4,
  EMPTY_ALLOW_LIST,
  type OutboundAllowList,
  type AddressClass,
  type AddressVerdict,
  type AllowListParse,
} from './address-policy';
export { systemResolver, pickAddress, type HostResolver, type ResolvedAddress } from './guarded.connector';
export { GuardedHttpClient, type GuardedHttpClientOptions, type OutboundRequest, type OutboundResponse } from './guarded-http.client';
export { OutboundHttpError, OutboundAddressRefusedError, type OutboundHttpErrorCode } from './outbound-http.errors';
export { outboundHttpEnv, outboundHttpSettingsOf, type OutboundHttpSettings } from './outbound-http.config';
export { guardedFetch, type GuardedFetch, type GuardedFetchOptions } from './mcp/guarded.fetch';
export {
  McpClient,
  DEFAULT_MCP_CLIENT_LIMITS,
  type McpClientLimits,
  type McpEndpoint,
  type McpToolInfo,
  type McpCallResult,
} from './mcp/mcp.client';
export { McpToolsCache, type McpToolsCacheOptions } from './mcp/mcp-tools.cache';
export { mcpEnv, mcpLimitsOf, mcpFilesEnv, mcpFileLimitsOf } from './mcp/mcp.config';
