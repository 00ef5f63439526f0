// The PoolStatePort over HTTP, for distributed mode: model-pool's internal state route, with the
// signed call context (the tenant whose deployments are asked for). Small answers, a short timeout.
import { request } from 'undici';
import { MAX_STATE_IDS, ROUTE_PREFIX, type DeploymentLiveState, type PoolStatePort } from '@shoal/contracts';
import { internalHeaders } from '../auth/internal-context';
import { ApiError } from '../errors/api-error';
import { createLogger } from '../logging/logger';
import type { ModelPoolHttpOptions } from './http-chat-completions.client';

const STATE_TIMEOUT_MS = 5_000;
const MAX_STATE_BYTES = 1024 * 1024;

export class HttpPoolStateClient implements PoolStatePort {
  private readonly log = createLogger('HttpPoolStateClient');
  private readonly url: string;

  constructor(private readonly opts: ModelPoolHttpOptions) {
    this.url = `${opts.baseUrl.replace(/\/+$/, '')}${ROUTE_PREFIX.modelPool}/v1/deployments/state`;
  }

  async deploymentStates(tenantId: string, ids: readonly string[]): Promise<Record<string, DeploymentLiveState>> {
    const headers = internalHeaders(this.opts.internalToken, { tenantId, apiKeyId: null, runId: null, callId: null, nodeId: null });
    const query = new URLSearchParams({ ids: ids.slice(0, MAX_STATE_IDS).join(',') });
    try {
      const res = await request(`${this.url}?${query.toString()}`, {
        method: 'GET',
        headers,
        headersTimeout: STATE_TIMEOUT_MS,
        bodyTimeout: STATE_TIMEOUT_MS,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200 || text.length > MAX_STATE_BYTES) throw new Error(`model-pool answered ${res.statusCode}`);
      return (JSON.parse(text) as { data: Record<string, DeploymentLiveState> }).data;
    } catch (err) {
      this.log.warn({ err }, 'model-pool did not answer a deployment state request');
      throw new ApiError('upstream_unavailable', 'The model service did not answer with the live state; retry shortly', {
        retryAfterSeconds: 1,
      });
    }
  }
}
