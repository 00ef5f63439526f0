// One Jest config, three projects: unit (*.spec.ts, no I/O), int (*.int-spec.ts, real
// Postgres and Redis) and e2e (test/**/*.e2e-spec.ts, services as separate processes); chaos
// (test/chaos, faults injected into the distributed services) runs with `npm run chaos`.
// `npm test` (test/run-all.mjs) prepares the databases and runs them in that order.
const swc = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
// NestJS 12 ships ESM only, and Jest's own module loader cannot require() ESM on Node 20,
// so those packages are compiled to CommonJS as well (cookie@2 sits nested, hence the
// pattern that looks at the innermost node_modules segment only). dify-client (tests) is ESM only too.
const esmOnly = '(@nestjs|content-disposition|cookie|mercurius|quick-lru|dify-client)';
const common = {
  testEnvironment: 'node',
  rootDir: __dirname,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: { '^@shoal/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts' },
  transform: { '^.+\\.ts$': swc, [`^.+/node_modules/${esmOnly}/.+\\.js$`]: swc },
  transformIgnorePatterns: [`/node_modules/(?!(?:.*/)?node_modules/)(?!${esmOnly}/)`],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
module.exports = {
  // a per-project testTimeout is ignored by Jest; this one covers integration and e2e hooks
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/deploy/**/*.spec.ts', '<rootDir>/test/compat/**/*.spec.ts'],
    },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts', '<rootDir>/test/int/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    // `npm run chaos`: every fault scenario (test/chaos/README.md); its *.e2e-spec.ts files run in the e2e tier too
    { ...common, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/**/*.{chaos,e2e}-spec.ts'] },
  ],
};
