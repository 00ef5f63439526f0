// The dependency direction of DESIGN.md is enforced by @nx/enforce-module-boundaries; this proves
// the rule is live (it fails on a bad import) and that the tree as committed passes it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const env = { ...process.env, NX_DAEMON: 'false' };

// ESLint runs as its own process: its config is an ES module, which Jest's module loader cannot import.
async function lint(file: string, code: string): Promise<string[]> {
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', path.join(root, file), '--format', 'json'],
    { cwd: root, input: code, encoding: 'utf8', env },
  );
  const [result] = JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

beforeAll(() => {
  // the rule reads Nx's cached project graph: build it first, or the rule skips itself
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  expect(r.status).toBe(0);
}, 60_000);

describe('module boundaries (apps -> feature libs -> {platform, core libs} -> contracts)', () => {
  it('rejects a core lib importing platform', async () => {
    expect(
      await lint('libs/pricing/src/bad.ts', "import { createLogger } from '@shoal/platform';\nexport const l = createLogger('x');\n"),
    ).toEqual([
      expect.stringContaining('A project tagged with "type:core" can only depend on libs tagged with "type:contracts", "type:core"'),
    ]);
  });

  it('rejects contracts importing anything of ours', async () => {
    expect(await lint('libs/contracts/src/bad.ts', "import { costOf } from '@shoal/pricing';\nexport const c = costOf;\n")).toHaveLength(1);
  });

  it('rejects the workflow format importing the runtime (core libs keep their own direction)', async () => {
    expect(
      await lint('libs/workflow-dsl/src/bad.ts', "import { executeRun } from '@shoal/workflow-runtime';\nexport const e = executeRun;\n"),
    ).toHaveLength(1);
  });

  it('rejects an app importing the testing lib in production code', async () => {
    expect(
      await lint('apps/gateway/src/bad.ts', "import { startMockProvider } from '@shoal/testing';\nexport const s = startMockProvider;\n"),
    ).toHaveLength(1);
  });

  it("rejects a feature lib importing another service's feature lib", async () => {
    expect(
      await lint(
        'libs/gateway-feature/src/bad.ts',
        "import { BillingModule } from '@shoal/billing-feature';\nexport const b = BillingModule;\n",
      ),
    ).toEqual([
      expect.stringContaining(
        'A project tagged with "type:feature" can only depend on libs tagged with "type:adapter", "type:platform", "type:core", "type:contracts"',
      ),
    ]);
  });

  it('keeps adapters (the code sandbox) below the feature libs and above the core libs', async () => {
    expect(
      await lint('libs/code-sandbox/src/bad.ts', "import { createLogger } from '@shoal/platform';\nexport const l = createLogger('x');\n"),
    ).toEqual([
      expect.stringContaining('A project tagged with "type:adapter" can only depend on libs tagged with "type:core", "type:contracts"'),
    ]);
    expect(
      await lint(
        'libs/workflow-runtime/src/bad.ts',
        "import { WorkerCodeSandbox } from '@shoal/code-sandbox';\nexport const w = WorkerCodeSandbox;\n",
      ),
    ).toHaveLength(1);
    expect(
      await lint(
        'libs/workflow-engine-feature/src/ok.ts',
        "import { WorkerCodeSandbox } from '@shoal/code-sandbox';\nexport const ok = WorkerCodeSandbox;\n",
      ),
    ).toEqual([]);
  });

  it('rejects a feature lib importing the mock provider (only standalone, an app, composes it)', async () => {
    expect(
      await lint(
        'libs/model-pool-feature/src/bad.ts',
        "import { startMockProvider } from '@shoal/mock-provider';\nexport const s = startMockProvider;\n",
      ),
    ).toHaveLength(1);
  });

  it('accepts the allowed direction', async () => {
    expect(
      await lint(
        'apps/standalone/src/ok.ts',
        "import { GatewayModule } from '@shoal/gateway-feature';\nimport { startMockProvider } from '@shoal/mock-provider';\nexport const ok = [GatewayModule, startMockProvider];\n",
      ),
    ).toEqual([]);
    expect(
      await lint(
        'apps/gateway/src/ok.ts',
        "import { createLogger } from '@shoal/platform';\nimport { costOf } from '@shoal/pricing';\nexport const ok = [createLogger, costOf];\n",
      ),
    ).toEqual([]);
    expect(
      await lint(
        'libs/workflow-runtime/src/ok.ts',
        "import { parseWorkflowGraph } from '@shoal/workflow-dsl';\nexport const ok = parseWorkflowGraph;\n",
      ),
    ).toEqual([]);
  });
});

describe('lib aliases', () => {
  it('every lib has one @shoal/<name> alias, the same for the type checker (tsconfig) and the build (swc)', () => {
    const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
    const read = (f: string) =>
      JSON.parse(fs.readFileSync(path.join(root, f), 'utf8')) as {
        compilerOptions?: { paths: Record<string, string[]> };
        jsc?: { paths: Record<string, string[]> };
      };
    const libs = fs.readdirSync(path.join(root, 'libs')).filter((d) => fs.existsSync(path.join(root, 'libs', d, 'src/index.ts')));
    const expected = Object.fromEntries(libs.map((l) => [`@shoal/${l}`, [`./libs/${l}/src/index.ts`]]));
    expect(read('tsconfig.base.json').compilerOptions!.paths).toEqual(expected);
    expect(read('.swcrc').jsc!.paths).toEqual(expected);
  });
});
