// Alias settings through the admin API; every write tells model-pool's replicas to reload.
import { Inject, Injectable } from '@nestjs/common';
import {
  ApiError,
  MAX_ALIASES_PER_SCOPE,
  POOL_CONFIG_BUS,
  PoolAliasesRepository,
  type AliasWriteResult,
  type PoolAliasInput,
  type PoolAliasRecord,
  type PoolConfigBus,
  type PoolScope,
} from '@shoal/platform';
import type { CreateAliasBody, UpdateAliasBody } from './pool-admin.requests';

function toInput(b: UpdateAliasBody): Partial<PoolAliasInput> {
  return {
    ...(b.name !== undefined ? { name: b.name } : {}),
    ...(b.strategy !== undefined ? { strategy: b.strategy } : {}),
    ...(b.fallbacks !== undefined ? { fallbacks: b.fallbacks } : {}),
    ...(b.ttft_timeout_ms !== undefined ? { ttftTimeoutMs: b.ttft_timeout_ms } : {}),
    ...(b.stall_timeout_ms !== undefined ? { stallTimeoutMs: b.stall_timeout_ms } : {}),
  };
}

@Injectable()
export class AliasesService {
  constructor(
    @Inject(PoolAliasesRepository) private readonly aliases: PoolAliasesRepository,
    @Inject(POOL_CONFIG_BUS) private readonly bus: PoolConfigBus,
  ) {}

  async create(scope: PoolScope, body: CreateAliasBody): Promise<PoolAliasRecord> {
    const input: PoolAliasInput = {
      name: body.name,
      strategy: body.strategy,
      fallbacks: body.fallbacks,
      ttftTimeoutMs: body.ttft_timeout_ms ?? null,
      stallTimeoutMs: body.stall_timeout_ms ?? null,
    };
    return this.written(await this.aliases.create(scope, input), body.name);
  }

  list(scope: PoolScope): Promise<PoolAliasRecord[]> {
    return this.aliases.list(scope);
  }

  async get(scope: PoolScope, id: string): Promise<PoolAliasRecord> {
    return (await this.aliases.get(scope, id)) ?? notFound(id);
  }

  async update(scope: PoolScope, id: string, body: UpdateAliasBody): Promise<PoolAliasRecord> {
    return this.written(await this.aliases.update(scope, id, toInput(body)), body.name, id);
  }

  async delete(scope: PoolScope, id: string): Promise<PoolAliasRecord> {
    const deleted = (await this.aliases.delete(scope, id)) ?? notFound(id);
    await this.bus.publish();
    return deleted;
  }

  private async written(result: AliasWriteResult, name: string | undefined, id?: string): Promise<PoolAliasRecord> {
    if (result === null) return notFound(id ?? '');
    if (result === 'name_taken')
      throw new ApiError('conflict', `An alias named '${name}' already exists in this scope`, {
        issues: [{ path: 'name', message: 'is taken in this scope' }],
      });
    if (result === 'limit_reached') throw new ApiError('conflict', `A scope holds at most ${MAX_ALIASES_PER_SCOPE} aliases`);
    await this.bus.publish();
    return result;
  }
}

function notFound(id: string): never {
  throw ApiError.notFound('Alias', id);
}
