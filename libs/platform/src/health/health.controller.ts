import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** /healthz: the process is up. /readyz: its dependencies answer (Postgres, Redis). */
@Controller()
export class HealthController {
  constructor(@Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = []) {}

  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply) {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          await Promise.race([c.check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000).unref())]);
          return [c.name, 'ok'] as const;
        } catch (err) {
          return [c.name, `failing: ${(err as Error).message}`] as const;
        }
      }),
    );
    const ok = results.every(([, s]) => s === 'ok');
    reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  }
}
