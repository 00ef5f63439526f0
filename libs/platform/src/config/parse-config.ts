// Each app parses its environment once, at boot, with a zod schema. A bad value stops the
// process with a message that names the variable; nothing else reads process.env.
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly issues: Array<{ variable: string; message: string }>) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  // an empty variable (FOO= in a .env or compose file) means "not set"
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((i) => {
      const variable = i.path.map(String).join('.') || '(environment)';
      // never echo the received value: it may be a secret
      return { variable, message: cleaned[variable] === undefined ? 'is required' : i.message };
    }),
  );
}

/** Common variable shapes. */
export const env = {
  port: (def: number) => z.coerce.number().int().min(0).max(65535).default(def),
  url: (protocols: string[]) =>
    z.string({ error: 'is required' }).refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(':', ''));
      } catch {
        return false;
      }
    }, `must be a URL with protocol ${protocols.join(' or ')}`),
  secret: (min = 16) => z.string({ error: 'is required' }).min(min, `must be at least ${min} characters`),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  positiveInt: (def: number) => z.coerce.number().int().positive().default(def),
};

/** Variables every service reads. */
export const serviceEnv = {
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: env.url(['redis', 'rediss']),
  REDIS_PREFIX: z.string().default('shoal:'),
  SHOAL_INTERNAL_TOKEN: env.secret(),
  LOG_LEVEL: env.logLevel(),
};

/** Variables of services that use Postgres. */
export const databaseEnv = {
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  DATABASE_POOL_SIZE: env.positiveInt(10),
};
