import nx from '@nx/eslint-plugin';

// The dependency direction of the architecture, as Nx tags:
//   apps -> feature libs (one per service) -> {platform, core libs} -> contracts; testing may use anything.
// A core lib never imports platform, a feature lib, an app, or Nest. A feature lib never imports another
// service's feature lib: services talk over HTTP and queues, and standalone composes them as an app.
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/generated', '.shoal', '.nx', 'coverage'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:contracts', 'type:core'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:core'] },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:feature',
                'type:adapter',
                'type:platform',
                'type:core',
                'type:contracts',
                'type:mock-provider',
              ],
            },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:adapter', 'type:platform', 'type:core', 'type:contracts'] },
            // an adapter implements a core lib's port over I/O of its own (worker threads, child processes)
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:core', 'type:contracts'] },
            { sourceTag: 'type:mock-provider', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:platform', 'type:core', 'type:contracts', 'type:mock-provider'] },
            { sourceTag: 'scope:workflow-dsl', onlyDependOnLibsWithTags: ['scope:workflow-dsl'] },
            { sourceTag: 'scope:pricing', onlyDependOnLibsWithTags: ['scope:pricing'] },
            {
              sourceTag: 'scope:workflow-runtime',
              onlyDependOnLibsWithTags: ['scope:workflow-runtime', 'scope:workflow-dsl', 'scope:contracts'],
            },
            { sourceTag: 'scope:model-routing', onlyDependOnLibsWithTags: ['scope:model-routing', 'scope:contracts', 'scope:pricing'] },
            {
              sourceTag: 'scope:code-sandbox',
              onlyDependOnLibsWithTags: ['scope:code-sandbox', 'scope:workflow-runtime', 'scope:workflow-dsl', 'scope:contracts'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Core libs are plain TypeScript: no framework, no database or Redis client.
    files: ['libs/{contracts,pricing,workflow-dsl,workflow-runtime,model-routing}/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', '@prisma/*', 'ioredis', 'bullmq', 'pg', 'fastify'],
              message: 'Core libs do no I/O and use no framework: reach the world through a port.',
            },
          ],
        },
      ],
    },
  },
  {
    // tests may use the testing lib
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:feature',
                'type:adapter',
                'type:platform',
                'type:core',
                'type:contracts',
                'type:mock-provider',
                'type:testing',
              ],
            },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: ['type:adapter', 'type:platform', 'type:core', 'type:contracts', 'type:testing'],
            },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:core', 'type:contracts', 'type:testing'] },
            { sourceTag: 'type:mock-provider', onlyDependOnLibsWithTags: ['type:contracts', 'type:testing'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:core', 'type:testing'] },
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:contracts', 'type:core', 'type:testing'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:platform', 'type:core', 'type:contracts', 'type:testing'] },
          ],
        },
      ],
    },
  },
];
