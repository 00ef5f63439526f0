import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc, ApiKeyGuard, Ctx, parseBody, RequireScope, type RequestContext } from '@shoal/platform';
import { presentApiKey } from './api-key.presenter';
import { apiKeyListResponse, apiKeyResponse } from '../openapi/response-schemas';
import { createApiKeySchema, toCreateApiKeyInput } from './api-keys.request';
import { ApiKeysService } from './api-keys.service';

const listQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    after: z.string().startsWith('key_', 'must be a key id (key_…)').max(64).optional(),
  })
  .strict();

/** The tenant's API keys; administering them needs the `admin` scope. */
@Controller('v1/api-keys')
@UseGuards(ApiKeyGuard)
@RequireScope('admin')
export class ApiKeysController {
  constructor(@Inject(ApiKeysService) private readonly keys: ApiKeysService) {}

  /** The secret is in this answer, as `key`, and nowhere else ever. */
  @Post()
  @HttpCode(201)
  @ApiDoc({
    summary: 'Create an API key',
    description: 'A key bound to a workflow may only hold `runs:write` and `read`. The secret is answered once, as `key`.',
    body: createApiKeySchema,
    responses: { 201: { description: 'The key, with its secret', schema: apiKeyResponse } },
  })
  async create(@Ctx() ctx: RequestContext, @Body() body: unknown) {
    const input = toCreateApiKeyInput(parseBody(createApiKeySchema, body), ctx.scopes, new Date());
    const { key, secret } = await this.keys.create(ctx, input);
    return presentApiKey(key, secret);
  }

  @Get()
  @ApiDoc({
    summary: 'List API keys, newest first',
    query: listQuerySchema,
    responses: { 200: { description: 'A page of keys', schema: apiKeyListResponse } },
  })
  async list(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    const q = parseBody(listQuerySchema, query, 'query');
    const { keys, hasMore } = await this.keys.list(ctx, { limit: q.limit, after: q.after });
    return {
      object: 'list',
      data: keys.map((k) => presentApiKey(k)),
      has_more: hasMore,
      next_cursor: hasMore ? keys[keys.length - 1].id : null,
    };
  }

  @Get(':id')
  @ApiDoc({ summary: 'Get an API key', responses: { 200: { description: 'The key (never its secret)', schema: apiKeyResponse } } })
  async get(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return presentApiKey(await this.keys.get(ctx, id));
  }

  /** Revokes the key (idempotent); it stops working at once. */
  @Delete(':id')
  @ApiDoc({ summary: 'Revoke an API key', responses: { 200: { description: 'The revoked key', schema: apiKeyResponse } } })
  async revoke(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return presentApiKey(await this.keys.revoke(ctx, id));
  }

  /** A new secret for the same key settings; the old secret stops working at once. */
  @Post(':id/rotate')
  @HttpCode(201)
  @ApiDoc({
    summary: 'Rotate an API key',
    description: 'A new key with the same settings; the old one is revoked.',
    responses: { 201: { description: 'The new key, with its secret', schema: apiKeyResponse } },
    errors: [409],
  })
  async rotate(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    const { key, secret } = await this.keys.rotate(ctx, id);
    return presentApiKey(key, secret);
  }
}
