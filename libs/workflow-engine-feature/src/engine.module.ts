import { type DynamicModule, Module } from '@nestjs/common';
import { CHAT_COMPLETIONS_PORT } from '@shoal/contracts';
import { HttpChatCompletionsClient, McpServersRepository, PrismaClient, fileStoreProvider } from '@shoal/platform';
import { McpToolHost } from './tools/mcp-tool.host';
import { ENGINE_OPTIONS, ExecuteRunUseCase, type EngineOptions } from './runs/execute-run.use-case';
import { RunProcessor } from './runs/run.processor';
import { RunStateRepository } from './runs/run-state.repository';
import { ConversationTurnsRepository } from './conversations/conversation-turns.repository';
import { RunCancellations } from './runs/run-cancellations';
import { StrandedRunsRepository } from './runs/stranded-runs.repository';
import { StrandedRunsSweeper } from './runs/stranded-runs.sweeper';
import { GuardedHttpFetcher } from './http/guarded.http-fetcher';
import { CODE_SANDBOX_LIMITS, CodeSandboxHost } from './code/code-sandbox.host';
import { NodeFilesRepository } from './documents/node-files.repository';
import { DOCUMENT_LIMITS, RunFilesService } from './documents/run-files.service';

/** workflow-engine's processors and services; infrastructure comes from PlatformModule. */
@Module({})
export class EngineModule {
  static register(opts: EngineOptions): DynamicModule {
    return {
      module: EngineModule,
      providers: [
        { provide: ENGINE_OPTIONS, useValue: opts },
        ...(opts.modelPoolUrl
          ? [
              {
                provide: CHAT_COMPLETIONS_PORT,
                useFactory: () =>
                  new HttpChatCompletionsClient({ baseUrl: opts.modelPoolUrl as string, internalToken: opts.internalToken }),
              },
            ]
          : []),
        RunStateRepository,
        ConversationTurnsRepository,
        RunCancellations,
        { provide: GuardedHttpFetcher, useFactory: () => new GuardedHttpFetcher(opts.outboundHttp) },
        { provide: CODE_SANDBOX_LIMITS, useValue: opts.code?.sandbox ?? {} },
        CodeSandboxHost,
        fileStoreProvider(opts.fileStore),
        NodeFilesRepository,
        { provide: DOCUMENT_LIMITS, useValue: opts.documents ?? {} },
        RunFilesService,
        { provide: McpServersRepository, inject: [PrismaClient], useFactory: (prisma: PrismaClient) => new McpServersRepository(prisma) },
        {
          provide: McpToolHost,
          inject: [McpServersRepository],
          useFactory: (servers: McpServersRepository) =>
            new McpToolHost(servers, {
              allow: opts.outboundHttp?.allow,
              resolve: opts.outboundHttp?.resolve,
              limits: opts.mcp,
              secrets: opts.secrets,
              // one file as large as an http-request node's response file may be
              files: { maxFileBytes: opts.outboundHttp?.limits?.maxBinaryBytes, ...opts.toolFiles },
            }),
        },
        ExecuteRunUseCase,
        RunProcessor,
        StrandedRunsRepository,
        StrandedRunsSweeper,
      ],
    };
  }
}
