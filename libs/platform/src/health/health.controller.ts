import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createLogger } from '../logging/logger';
import { ApiDoc } from '../openapi/api-doc';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
const CHECK_TIMEOUT_MS = 2000;

/**
 * /healthz: the process is up. /readyz: its dependencies answer (Postgres, Redis). It says which
 * dependency is down, never why: the error (which may name hosts, users or addresses) goes to the log.
 */
@Controller()
export class HealthController {
  private readonly log = createLogger('HealthController');
  constructor(@Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = []) {}

  @Get('healthz')
  @ApiDoc({ summary: 'Liveness: the process is up', tag: 'health', responses: { 200: { description: 'Up' } } })
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiDoc({
    summary: 'Readiness: the service’s dependencies answer',
    tag: 'health',
    responses: { 200: { description: 'Ready' }, 503: { description: 'A dependency is failing (named, never why)' } },
  })
  async readyz(@Res() reply: FastifyReply) {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            c.check(),
            new Promise(
              (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)),
            ),
          ]);
          return [c.name, 'ok'] as const;
        } catch (err) {
          this.log.warn({ err, dependency: c.name }, 'readiness check failed');
          return [c.name, 'failing'] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const ok = results.every(([, s]) => s === 'ok');
    reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  }
}
