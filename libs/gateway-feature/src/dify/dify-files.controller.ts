// Dify's POST /v1/files/upload: a file for the app of the caller's key, answered as Dify answers it,
// to pass later as `{ "transfer_method": "local_file", "upload_file_id" }` in inputs or `files`.
import { Controller, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AcceptsBody, ApiDoc, ApiKeyGuard, Ctx, RequireScope, type RequestContext } from '@shoal/platform';
import { presentDifyFile } from '../files/file.presenter';
import { FilesService } from '../files/files.service';
import { uploadBodySchema, uploadDescription, withUploadBody } from '../files/upload.request';
import { appWorkflowId } from './dify-app';

@Controller('v1/files')
@UseGuards(ApiKeyGuard)
export class DifyFilesController {
  constructor(@Inject(FilesService) private readonly files: FilesService) {}

  @Post('upload')
  @RequireScope('runs:write')
  @AcceptsBody('multipart/form-data')
  @ApiDoc({
    summary: 'Upload a file for the app (Dify API)',
    tag: 'dify',
    description: `Dify’s \`POST /v1/files/upload\`, with a key bound to the workflow. ${uploadDescription()} The form’s \`user\` is kept as who it was uploaded for.`,
    bodyTypes: { 'multipart/form-data': uploadBodySchema },
    responses: { 201: { description: 'Dify’s file: id, name, size, extension, mime_type, created_by, created_at' } },
  })
  async upload(@Ctx() ctx: RequestContext, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const file = await withUploadBody(req, reply, () => {
      appWorkflowId(ctx);
      return this.files.upload(ctx, req.raw);
    });
    reply.status(201).send(presentDifyFile(file));
  }
}
