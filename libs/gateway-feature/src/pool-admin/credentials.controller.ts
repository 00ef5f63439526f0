// /v1/admin/credentials: provider API keys, sealed at rest, never answered in clear.
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiDoc, ApiKeyGuard, Ctx, RequireScope, parseBody, poolScopeCheck, type RequestContext } from './pool-admin.imports';
import { credentialListResponse, credentialResponse, rotationResponse } from './pool-admin.responses';
import { presentCredential } from './pool-admin.presenter';
import { createCredentialSchema, rotateCredentialsSchema, scopeQuerySchema, updateCredentialSchema } from './pool-admin.requests';
import { CredentialsService } from './credentials.service';
import { SecretRotationService } from './secret-rotation.service';

@Controller('v1/admin/credentials')
@UseGuards(ApiKeyGuard)
@RequireScope('admin')
export class CredentialsController {
  constructor(
    @Inject(CredentialsService) private readonly credentials: CredentialsService,
    @Inject(SecretRotationService) private readonly rotation: SecretRotationService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({
    summary: 'Store a provider credential',
    responses: { 201: { description: 'Created', schema: credentialResponse } },
    description: 'The API key is sealed with AES-256-GCM under SHOAL_SECRET_KEY and never answered; `hint` shows its last 4 characters.',
    body: createCredentialSchema,
    query: scopeQuerySchema,
    errors: [403, 422],
  })
  async create(@Ctx() ctx: RequestContext, @Query() query: unknown, @Body() body: unknown) {
    const scope = poolScopeCheck(ctx, query);
    return presentCredential(await this.credentials.create(scope, parseBody(createCredentialSchema, body)));
  }

  /** Re-encrypts every stored secret under the current SHOAL_SECRET_KEY (a platform operation). */
  @Post('rotate')
  @HttpCode(200)
  @RequireScope('platform:admin')
  @ApiDoc({
    summary: 'Reseal every stored secret under the current SHOAL_SECRET_KEY',
    responses: { 200: { description: 'What the pass resealed, per store', schema: rotationResponse } },
    description:
      'Run after deploying a new SHOAL_SECRET_KEY with the old one in SHOAL_SECRET_KEY_PREVIOUS; then the old key can be removed.',
  })
  async rotate(@Body() body: unknown) {
    // no body, or an empty object: the pass takes no options (yet)
    parseBody(rotateCredentialsSchema, body === undefined ? {} : body);
    return this.rotation.resealAll();
  }

  @Get()
  @ApiDoc({
    summary: 'List provider credentials',
    responses: { 200: { description: 'The list', schema: credentialListResponse } },
    query: scopeQuerySchema,
  })
  async list(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    const creds = await this.credentials.list(poolScopeCheck(ctx, query));
    return { object: 'list', data: creds.map(presentCredential) };
  }

  @Get(':id')
  @ApiDoc({
    summary: 'Get a provider credential (never its key)',
    responses: { 200: { description: 'The credential', schema: credentialResponse } },
    query: scopeQuerySchema,
  })
  async get(@Ctx() ctx: RequestContext, @Query() query: unknown, @Param('id') id: string) {
    return presentCredential(await this.credentials.get(poolScopeCheck(ctx, query), id));
  }

  @Patch(':id')
  @ApiDoc({
    summary: 'Rename a credential or replace its key',
    responses: { 200: { description: 'The credential', schema: credentialResponse } },
    body: updateCredentialSchema,
    query: scopeQuerySchema,
  })
  async update(@Ctx() ctx: RequestContext, @Query() query: unknown, @Param('id') id: string, @Body() body: unknown) {
    return presentCredential(await this.credentials.update(poolScopeCheck(ctx, query), id, parseBody(updateCredentialSchema, body)));
  }

  @Delete(':id')
  @ApiDoc({
    summary: 'Delete a credential no deployment uses',
    responses: { 200: { description: 'The credential', schema: credentialResponse } },
    query: scopeQuerySchema,
    errors: [409],
  })
  async delete(@Ctx() ctx: RequestContext, @Query() query: unknown, @Param('id') id: string) {
    return presentCredential(await this.credentials.delete(poolScopeCheck(ctx, query), id));
  }
}
