// Shoal's REST routes for uploaded files: upload (multipart), list, metadata, content, delete.
import { Readable } from 'node:stream';
import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AcceptsBody, ApiDoc, ApiKeyGuard, Ctx, parseBody, RequireScope, type RequestContext } from '@shoal/platform';
import { deletedResponse, fileListResponse, fileResponse } from '../openapi/response-schemas';
import { presentFile } from './file.presenter';
import { FilesService } from './files.service';
import { uploadBodySchema, uploadDescription, withUploadBody } from './upload.request';

const listQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    after: z.string().startsWith('file_', 'must be a file id (file_…)').max(64).optional(),
  })
  .strict();

/** A filename as RFC 5987 wants it in `filename*`: what encodeURIComponent leaves of ' ( ) * encoded too. */
function rfc5987(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

@Controller('v1/files')
@UseGuards(ApiKeyGuard)
export class FilesController {
  constructor(@Inject(FilesService) private readonly files: FilesService) {}

  @Post()
  @HttpCode(201)
  @RequireScope('runs:write')
  @AcceptsBody('multipart/form-data')
  @ApiDoc({
    summary: 'Upload a file',
    description: `${uploadDescription()} Use it as a run input: \`{ "type": "document", "transfer_method": "local_file", "upload_file_id": "file_…" }\`.`,
    bodyTypes: { 'multipart/form-data': uploadBodySchema },
    responses: { 201: { description: 'The stored file', schema: fileResponse } },
  })
  async upload(@Ctx() ctx: RequestContext, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const file = await withUploadBody(req, reply, () => this.files.upload(ctx, req.raw));
    reply.status(201).send(presentFile(file, this.files.limits.publicBaseUrl));
  }

  @Get()
  @RequireScope('read')
  @ApiDoc({
    summary: 'List uploaded files, newest first',
    description: 'A key bound to a workflow sees the files uploaded for that workflow only.',
    query: listQuerySchema,
    responses: { 200: { description: 'A page of files', schema: fileListResponse } },
  })
  async list(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    const q = parseBody(listQuerySchema, query ?? {}, 'query');
    const { files, hasMore } = await this.files.list(ctx, q);
    return {
      object: 'list',
      data: files.map((f) => presentFile(f, this.files.limits.publicBaseUrl)),
      has_more: hasMore,
      next_cursor: hasMore ? files[files.length - 1].id : null,
    };
  }

  @Get(':id')
  @RequireScope('read')
  @ApiDoc({ summary: 'Get a file’s metadata', responses: { 200: { description: 'The file', schema: fileResponse } } })
  async get(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return presentFile(await this.files.get(ctx, id), this.files.limits.publicBaseUrl);
  }

  @Get(':id/content')
  @RequireScope('read')
  @ApiDoc({
    summary: 'Download a file’s bytes',
    description:
      'Served as an attachment with its stored media type, never rendered in place (an uploaded HTML or SVG file runs no script).',
    responses: { 200: { description: 'The file’s bytes', contentType: 'application/octet-stream' } },
  })
  async content(@Ctx() ctx: RequestContext, @Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const { file, body } = await this.files.content(ctx, id);
    reply
      .status(200)
      .header('content-type', file.mimeType)
      .header('content-length', String(file.size))
      .header('content-disposition', `attachment; filename*=UTF-8''${rfc5987(file.name)}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('etag', `"${file.sha256}"`)
      .send(Readable.from(body));
  }

  @Delete(':id')
  @RequireScope('runs:write')
  @ApiDoc({ summary: 'Delete a file', responses: { 200: { description: 'The file is gone', schema: deletedResponse } } })
  async delete(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    await this.files.delete(ctx, id);
    return { id, object: 'file', deleted: true };
  }
}
