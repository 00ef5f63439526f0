// Pino JSON logs: one logger per class (`name`), errors under `err`, the trace id on every line,
// secrets redacted by path.
import pino, { type Logger } from 'pino';
import { trace } from '@opentelemetry/api';
import type { LoggerService } from '@nestjs/common';

const REDACT = [
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'headers["x-shoal-internal-token"]',
  '*.headers["x-shoal-internal-token"]',
  'password',
  '*.password',
  'token',
  '*.token',
];

let root: Logger | undefined;

function build(service: string, level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const ctx = trace.getActiveSpan()?.spanContext();
        return ctx ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
      },
    },
    destination,
  );
}

/** Until a service has parsed its config (tests, tools): LOG_LEVEL or info. */
export function rootLogger(): Logger {
  root ??= build('shoal', process.env['LOG_LEVEL'] ?? 'info');
  return root;
}

/** Replace the root logger (the service name and level are known only after config parsing). */
export function configureRootLogger(opts: { service: string; level: string; destination?: pino.DestinationStream }): Logger {
  root = build(opts.service, opts.level, opts.destination);
  return root;
}

export function createLogger(name: string): Logger {
  return rootLogger().child({ name });
}

/** Nest's own messages (module init, route mapping) through pino. */
export class PinoNestLogger implements LoggerService {
  private readonly logger = createLogger('nest');
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, stack: trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
