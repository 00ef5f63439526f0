import { defineConfig } from 'prisma/config';

// Prisma 7 does not read .env, and env('DATABASE_URL') throws when unset even for
// `prisma generate`, so read process.env directly.
export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '', shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL },
});
