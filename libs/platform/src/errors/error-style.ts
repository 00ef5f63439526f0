// Which error shape a path answers with: OpenAI-compatible routes speak OpenAI's, the rest
// problem+json. Used for errors raised before a controller is reached (bad JSON, unknown routes).
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OpenAiErrorFilter, ProblemJsonFilter } from './error-filters';

export type ErrorStyle = 'openai' | 'problem';

export function errorStyleFor(url: string): ErrorStyle {
  const path = url.split('?')[0];
  return /^\/(pool\/)?v1\/(chat\/completions|completions|models|embeddings)(\/|$)/.test(path) ? 'openai' : 'problem';
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly openai = new OpenAiErrorFilter();
  private readonly problem = new ProblemJsonFilter();

  catch(err: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    (errorStyleFor(req.url) === 'openai' ? this.openai : this.problem).catch(err, host);
  }
}
