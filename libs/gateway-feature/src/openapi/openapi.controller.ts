// The public API's OpenAPI 3.1 document at /openapi.json, built once from the running app's
// controllers, and interactive docs at /docs (Swagger UI, served from this process: no CDN).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Controller, Get, Header, Inject, Param, Res } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { ApiDoc, ApiError, buildOpenApi, controllersOf, errorStyleFor } from '@shoal/platform';

// the only files /docs/:file serves, and their types
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Shoal API</title>
<link rel="icon" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', persistAuthorization: false });</script>
</body>
</html>
`;

@Controller()
export class OpenApiController {
  private document: string | undefined;
  private readonly assets = new Map<string, Buffer>();

  constructor(@Inject(ModulesContainer) private readonly modules: ModulesContainer) {}

  @Get('openapi.json')
  @ApiDoc({ summary: 'This document', tag: 'docs', responses: { 200: { description: 'The OpenAPI 3.1 document' } } })
  @Header('content-type', 'application/json; charset=utf-8')
  @Header('cache-control', 'no-cache')
  openApi(): string {
    this.document ??= JSON.stringify(
      buildOpenApi(
        controllersOf(this.modules),
        {
          title: 'Shoal API',
          version: '0.1.0',
          description:
            'Run Dify-style LLM workflows and call models through one OpenAI-compatible API. Errors are RFC 9457 problem details, except on the OpenAI-compatible routes, which answer in OpenAI’s error shape.',
        },
        (p) => errorStyleFor(p) === 'openai',
      ),
    );
    return this.document;
  }

  @Get('docs')
  @ApiDoc({ summary: 'Interactive API docs', tag: 'docs', responses: { 200: { description: 'Swagger UI', contentType: 'text/html' } } })
  @Header('content-type', 'text/html; charset=utf-8')
  docs(): string {
    return DOCS_HTML;
  }

  @Get('docs/:file')
  @ApiDoc({
    summary: 'A file of the interactive docs',
    tag: 'docs',
    responses: { 200: { description: 'The file', contentType: 'application/octet-stream' } },
  })
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!type) throw ApiError.notFound('Docs file', file);
    let body = this.assets.get(file);
    if (!body) {
      body = readFileSync(path.join(path.dirname(require.resolve('swagger-ui-dist/package.json')), file));
      this.assets.set(file, body);
    }
    void reply.header('content-type', type).header('cache-control', 'public, max-age=86400').send(body);
  }
}
