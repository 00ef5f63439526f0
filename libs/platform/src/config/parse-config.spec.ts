import { z } from 'zod';
import { ConfigError, env, graphqlEnv, graphqlOptionsOf, parseConfig } from './parse-config';

// A schema shaped like the services' own (gateway.config.ts, billing.config.ts).
const schema = z.object({
  PORT: env.port(8080),
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  REDIS_URL: env.url(['redis', 'rediss']),
  SHOAL_INTERNAL_TOKEN: env.secret(),
  LOG_LEVEL: env.logLevel(),
  CONCURRENCY: env.positiveInt(16),
});

const valid = {
  DATABASE_URL: 'postgresql://shoal:pw@db:5432/shoal',
  REDIS_URL: 'redis://cache:6379',
  SHOAL_INTERNAL_TOKEN: 'a-long-enough-internal-token',
};

function configError(e: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(schema, e);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected parseConfig to throw a ConfigError');
}

describe('parseConfig', () => {
  it('returns typed values with defaults applied and numbers coerced', () => {
    expect(parseConfig(schema, { ...valid, PORT: '9000' })).toEqual({ ...valid, PORT: 9000, LOG_LEVEL: 'info', CONCURRENCY: 16 });
  });

  it('names a missing variable as "is required"', () => {
    const err = configError({ ...valid, DATABASE_URL: undefined });
    expect(err.issues).toEqual([{ variable: 'DATABASE_URL', message: 'is required' }]);
    expect(err.message).toContain('DATABASE_URL: is required');
  });

  it('reports every bad variable at once, not just the first', () => {
    const err = configError({ SHOAL_INTERNAL_TOKEN: valid.SHOAL_INTERNAL_TOKEN });
    expect(err.issues.map((i) => i.variable).sort()).toEqual(['DATABASE_URL', 'REDIS_URL']);
  });

  it('names a URL variable whose protocol is wrong, without echoing the URL (it may hold a password)', () => {
    const err = configError({ ...valid, DATABASE_URL: 'mysql://shoal:hunter2-db-password@db/shoal' });
    expect(err.issues).toEqual([{ variable: 'DATABASE_URL', message: 'must be a URL with protocol postgres or postgresql' }]);
    expect(err.message).not.toContain('hunter2');
  });

  it('names a URL variable that is not a URL at all', () => {
    const err = configError({ ...valid, REDIS_URL: 'cache:6379-not-a-url' });
    expect(err.issues[0].variable).toBe('REDIS_URL');
    expect(err.issues[0].message).toMatch(/redis or rediss/);
  });

  it("never puts a secret's value into the error, even when the secret is the bad variable", () => {
    const secret = 'short-s3cret';
    const err = configError({ ...valid, SHOAL_INTERNAL_TOKEN: secret });
    expect(err.issues).toEqual([{ variable: 'SHOAL_INTERNAL_TOKEN', message: 'must be at least 16 characters' }]);
    expect(err.message).not.toContain(secret);
    expect(JSON.stringify(err.issues)).not.toContain(secret);
  });

  it('does not echo an invalid enum value either', () => {
    const err = configError({ ...valid, LOG_LEVEL: 'verbose-xyzzy' });
    expect(err.issues[0].variable).toBe('LOG_LEVEL');
    expect(err.message).not.toContain('xyzzy');
  });

  it('rejects out-of-range numbers, naming the variable', () => {
    expect(configError({ ...valid, PORT: '70000' }).issues[0].variable).toBe('PORT');
    expect(configError({ ...valid, CONCURRENCY: '0' }).issues[0].variable).toBe('CONCURRENCY');
  });

  it('treats an empty variable (FOO= in an env file) as unset: defaults apply, required ones are named', () => {
    expect(parseConfig(schema, { ...valid, PORT: '', LOG_LEVEL: '' })).toMatchObject({ PORT: 8080, LOG_LEVEL: 'info' });
    expect(configError({ ...valid, SHOAL_INTERNAL_TOKEN: '' }).issues).toEqual([
      { variable: 'SHOAL_INTERNAL_TOKEN', message: 'is required' },
    ]);
  });

  // A rule across variables names an unset one and says why it is wanted; "is required" alone would hide the why,
  // and for a variable with a default ("HTTP_HEADERS_TIMEOUT_MS: is required") it would be wrong
  it('keeps the message of a rule across variables on an unset variable', () => {
    const crossField = schema.superRefine((c, ctx) => {
      if (c.CONCURRENCY > 100) ctx.addIssue({ code: 'custom', path: ['PORT'], message: 'must be set when CONCURRENCY is above 100' });
    });
    expect(() => parseConfig(crossField, { ...valid, CONCURRENCY: '500' })).toThrow('PORT: must be set when CONCURRENCY is above 100');
  });

  // A variable that IS set but is not a number must not be reported as missing: an operator who
  // sees "PORT: is required" next to `PORT=80a0` in their env file looks in the wrong place.
  it('does not call a variable that is set to a non-number "required"', () => {
    const err = configError({ ...valid, PORT: 'eighty' });
    expect(err.issues[0].variable).toBe('PORT');
    expect(err.issues[0].message).not.toBe('is required');
    expect(err.message).not.toContain('eighty');
  });
});

describe('graphqlEnv', () => {
  const schema = z.object(graphqlEnv);
  it('bounds GraphQL by default and keeps GraphiQL off', () => {
    expect(graphqlOptionsOf(parseConfig(schema, {}))).toEqual({ maxDepth: 8, maxCost: 5000, graphiql: false });
  });
  it('reads the bounds and GraphiQL from the environment, and names a bad value', () => {
    expect(graphqlOptionsOf(parseConfig(schema, { GRAPHQL_MAX_DEPTH: '5', GRAPHQL_MAX_COST: '100', GRAPHIQL: 'true' }))).toEqual({
      maxDepth: 5,
      maxCost: 100,
      graphiql: true,
    });
    expect(() => parseConfig(schema, { GRAPHIQL: 'yes' })).toThrow(ConfigError);
    expect(() => parseConfig(schema, { GRAPHIQL: 'yes' })).toThrow(/GRAPHIQL/);
  });
});
