import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc, ApiKeyChanges, ApiKeyGuard, parseBody, RequireScope } from '@shoal/platform';
import { presentApiKey } from '../keys/api-key.presenter';
import { tenantResponse } from '../openapi/response-schemas';

const createTenantSchema = z.object({ name: z.string().trim().min(1, 'must not be empty').max(200) }).strict();

/** Tenants are created by platform administrators; each starts with one admin key, shown once. */
@Controller('v1/tenants')
@UseGuards(ApiKeyGuard)
@RequireScope('platform:admin')
export class TenantsController {
  constructor(@Inject(ApiKeyChanges) private readonly keys: ApiKeyChanges) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({
    summary: 'Create a tenant',
    description: 'With its first admin key, whose secret is answered once.',
    body: createTenantSchema,
    responses: { 201: { description: 'The tenant and its admin key', schema: tenantResponse } },
  })
  async create(@Body() body: unknown) {
    const { name } = parseBody(createTenantSchema, body);
    const { tenant, key, secret } = await this.keys.createTenant(name);
    return {
      id: tenant.id,
      object: 'tenant',
      name: tenant.name,
      created_at: tenant.createdAt.toISOString(),
      admin_key: presentApiKey(key, secret),
    };
  }
}
