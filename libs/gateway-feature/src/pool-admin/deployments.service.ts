// Deployments through the admin API, their live state (config here, health from model-pool) and
// drain / enable; every write tells model-pool's replicas to reload.
import { Inject, Injectable } from '@nestjs/common';
import { POOL_STATE_PORT, type PoolStatePort } from '@shoal/contracts';
import {
  ApiError,
  MAX_DEPLOYMENTS_PER_SCOPE,
  POOL_CONFIG_BUS,
  PoolDeploymentsRepository,
  type DeploymentWriteResult,
  type PoolConfigBus,
  type PoolDeploymentInput,
  type PoolDeploymentRecord,
  type PoolScope,
} from '@shoal/platform';
import { presentDeploymentState } from './pool-admin.presenter';
import type { CreateDeploymentBody, UpdateDeploymentBody } from './pool-admin.requests';

function toInput(b: UpdateDeploymentBody): Partial<PoolDeploymentInput> {
  const map: Array<[keyof UpdateDeploymentBody, keyof PoolDeploymentInput]> = [
    ['alias', 'alias'],
    ['provider', 'provider'],
    ['base_url', 'baseUrl'],
    ['credential_id', 'credentialId'],
    ['upstream_model', 'upstreamModel'],
    ['weight', 'weight'],
    ['rpm', 'rpm'],
    ['tpm', 'tpm'],
    ['max_concurrency', 'maxConcurrency'],
    ['price_override', 'priceOverride'],
    ['timeout_ms', 'timeoutMs'],
    ['drained', 'drained'],
    ['strict_tools_base_url', 'strictToolsBaseUrl'],
  ];
  const out: Record<string, unknown> = {};
  for (const [from, to] of map)
    if (b[from] !== undefined) out[to] = to === 'baseUrl' || to === 'strictToolsBaseUrl' ? trimUrl(b[from]) : b[from];
  return out as Partial<PoolDeploymentInput>;
}

const trimUrl = (u: unknown) => (typeof u === 'string' ? u.replace(/\/+$/, '') : u);

@Injectable()
export class DeploymentsService {
  constructor(
    @Inject(PoolDeploymentsRepository) private readonly deployments: PoolDeploymentsRepository,
    @Inject(POOL_CONFIG_BUS) private readonly bus: PoolConfigBus,
    @Inject(POOL_STATE_PORT) private readonly live: PoolStatePort,
  ) {}

  async create(scope: PoolScope, body: CreateDeploymentBody): Promise<PoolDeploymentRecord> {
    const input: PoolDeploymentInput = {
      alias: body.alias,
      provider: body.provider,
      baseUrl: body.base_url.replace(/\/+$/, ''),
      credentialId: body.credential_id,
      upstreamModel: body.upstream_model ?? body.alias,
      weight: body.weight,
      rpm: body.rpm ?? null,
      tpm: body.tpm ?? null,
      maxConcurrency: body.max_concurrency ?? null,
      priceOverride: body.price_override ?? null,
      timeoutMs: body.timeout_ms ?? null,
      drained: body.drained,
      strictToolsBaseUrl: body.strict_tools_base_url?.replace(/\/+$/, '') ?? null,
    };
    return this.written(await this.deployments.create(scope, input), '');
  }

  list(scope: PoolScope): Promise<PoolDeploymentRecord[]> {
    return this.deployments.list(scope);
  }

  async get(scope: PoolScope, id: string): Promise<PoolDeploymentRecord> {
    return (await this.deployments.get(scope, id)) ?? notFound(id);
  }

  async update(scope: PoolScope, id: string, body: UpdateDeploymentBody): Promise<PoolDeploymentRecord> {
    return this.written(await this.deployments.update(scope, id, toInput(body)), id);
  }

  async delete(scope: PoolScope, id: string): Promise<PoolDeploymentRecord> {
    const deleted = (await this.deployments.delete(scope, id)) ?? notFound(id);
    await this.bus.publish();
    return deleted;
  }

  /** The deployment's config status and model-pool's live view of it (the caller's tenant's view; shared ones as any tenant sees them). */
  async state(tenantId: string, scope: PoolScope, id: string) {
    const d = await this.get(scope, id);
    const live = (await this.live.deploymentStates(tenantId, [id]))[id] ?? { loaded: false, configVersion: 0 };
    return presentDeploymentState(d, live, Date.now());
  }

  /** Drain (out of rotation at once, on every replica) or enable; answers the new state. */
  async setDrained(tenantId: string, scope: PoolScope, id: string, drained: boolean) {
    await this.update(scope, id, { drained });
    return this.state(tenantId, scope, id);
  }

  private async written(result: DeploymentWriteResult, id: string): Promise<PoolDeploymentRecord> {
    if (result === null) return notFound(id);
    if (result === 'credential_not_found')
      throw ApiError.validation('credential_id names no credential of this scope', [
        {
          path: 'credential_id',
          message: 'names no credential of this scope (a tenant deployment uses its tenant’s credentials, a shared one the platform’s)',
        },
      ]);
    if (result === 'limit_reached') throw new ApiError('conflict', `A scope holds at most ${MAX_DEPLOYMENTS_PER_SCOPE} deployments`);
    await this.bus.publish();
    return result;
  }
}

function notFound(id: string): never {
  throw ApiError.notFound('Deployment', id);
}
