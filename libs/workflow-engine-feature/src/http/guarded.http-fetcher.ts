// The runtime's HttpFetcher for http-request nodes: sends through the guarded outbound client, so
// every request (and every redirect hop) obeys the outbound address policy and SHOAL_HTTP_ALLOW.
import type { OnModuleDestroy } from '@nestjs/common';
import {
  GuardedHttpClient,
  OutboundAddressPolicy,
  EMPTY_ALLOW_LIST,
  type HostResolver,
  type OutboundAllowList,
} from '@shoal/outbound-http';
import type { HttpFetcher, HttpFetchRequest, HttpFetchResponse, HttpNodeLimits } from '@shoal/workflow-runtime';

/** The allowlist and limits (SHOAL_HTTP_ALLOW, HTTP_REQUEST_*; Dify's defaults for those omitted); `resolve` replaces DNS (tests). */
export interface OutboundHttpOptions {
  allow: OutboundAllowList;
  limits?: Partial<HttpNodeLimits>;
  resolve?: HostResolver;
}

/** Provided by EngineModule from EngineOptions.outboundHttp. */
export class GuardedHttpFetcher implements HttpFetcher, OnModuleDestroy {
  private readonly client: GuardedHttpClient;
  readonly limits: Partial<HttpNodeLimits> | undefined;

  constructor(settings: OutboundHttpOptions | undefined) {
    this.client = new GuardedHttpClient({
      policy: new OutboundAddressPolicy(settings?.allow ?? EMPTY_ALLOW_LIST),
      resolve: settings?.resolve,
    });
    this.limits = settings?.limits;
  }

  fetch(req: HttpFetchRequest): Promise<HttpFetchResponse> {
    return this.client.request(req);
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.close();
  }
}
