// A tiny app for the platform's HTTP tests, booted with `createHttpApp`: echoes what reached it.
import { Body, Controller, Delete, Get, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { AcceptsBody } from './body-content-type.hook';
import { createHttpApp } from './bootstrap';

@Controller()
export class EchoController {
  @Post('things')
  @HttpCode(200)
  create(@Body() body: unknown) {
    return { body };
  }

  @Get('things/:id')
  get(@Param('id') id: string, @Query() query: unknown) {
    return { id, query };
  }

  @Delete('things/:id')
  @HttpCode(204)
  remove(): undefined {
    return undefined;
  }

  @Post('v1/chat/completions')
  @HttpCode(200)
  chat(@Body() body: unknown) {
    return { body };
  }

  @Post('imports')
  @HttpCode(200)
  @AcceptsBody('application/yaml')
  importYaml(@Body() body: unknown) {
    return { type: typeof body, body };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

export async function startEchoApp(): Promise<{ app: NestFastifyApplication; fastify: FastifyInstance }> {
  const app = await createHttpApp(EchoModule, { shutdownHooks: false });
  await app.init();
  return { app, fastify: app.getHttpAdapter().getInstance() as FastifyInstance };
}
