// Which error shape a path answers with: OpenAI-compatible routes speak OpenAI's, Dify's service
// API paths Dify's, the rest problem+json. Also used for errors raised before a controller is
// reached (bad JSON, unknown routes).
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DifyErrorFilter, OpenAiErrorFilter, ProblemJsonFilter } from './error-filters';

export type ErrorStyle = 'openai' | 'dify' | 'problem';

const OPENAI_PATHS = /^\/(pool\/)?v1\/(chat\/completions|completions|models|embeddings)(\/|$)/;
// Dify's service API for workflow apps, as Dify's clients call it
const DIFY_PATHS =
  /^\/v1\/(workflows\/run(\/[^/]*)?|workflows\/tasks\/[^/]*\/stop|workflows\/logs|parameters|info|meta|site|chat-messages(\/[^/]*\/stop)?|messages|conversations|conversations\/[^/]*\/(variables|name)|files\/upload)\/?$/;

export function errorStyleFor(url: string): ErrorStyle {
  const path = url.split('?')[0];
  if (OPENAI_PATHS.test(path)) return 'openai';
  return DIFY_PATHS.test(path) ? 'dify' : 'problem';
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly openai = new OpenAiErrorFilter();
  private readonly problem = new ProblemJsonFilter();
  private readonly dify = new DifyErrorFilter();

  catch(err: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    const style = errorStyleFor(req.url);
    (style === 'openai' ? this.openai : style === 'dify' ? this.dify : this.problem).catch(err, host);
  }
}
