// The dependency direction of DESIGN.md is enforced by @nx/enforce-module-boundaries; this proves
// the rule is live (it fails on a bad import) and that the tree as committed passes it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const env = { ...process.env, NX_DAEMON: 'false' };

// ESLint runs as its own process: its config is an ES module, which Jest's module loader cannot import.
async function lint(file: string, code: string): Promise<string[]> {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', path.join(root, file), '--format', 'json'], { cwd: root, input: code, encoding: 'utf8', env });
  const [result] = JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

beforeAll(() => {
  // the rule reads Nx's cached project graph: build it first, or the rule skips itself
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], { cwd: root, env, encoding: 'utf8' });
  expect(r.status).toBe(0);
}, 60_000);

describe('module boundaries (DESIGN.md: apps -> platform -> core libs -> contracts)', () => {
  it('rejects a core lib importing platform', async () => {
    expect(await lint('libs/pricing/src/bad.ts', "import { createLogger } from '@shoal/platform';\nexport const l = createLogger('x');\n")).toEqual([
      expect.stringContaining('A project tagged with "type:core" can only depend on libs tagged with "type:contracts", "type:core"'),
    ]);
  });

  it('rejects contracts importing anything of ours', async () => {
    expect(await lint('libs/contracts/src/bad.ts', "import { costOf } from '@shoal/pricing';\nexport const c = costOf;\n")).toHaveLength(1);
  });

  it('rejects the workflow format importing the runtime (core libs keep their own direction)', async () => {
    expect(await lint('libs/workflow-dsl/src/bad.ts', "import { executeRun } from '@shoal/workflow-runtime';\nexport const e = executeRun;\n")).toHaveLength(1);
  });

  it('rejects an app importing the testing lib in production code', async () => {
    expect(await lint('apps/gateway/src/bad.ts', "import { startMockProvider } from '@shoal/testing';\nexport const s = startMockProvider;\n")).toHaveLength(1);
  });

  it('accepts the allowed direction', async () => {
    expect(await lint('apps/gateway/src/ok.ts', "import { createLogger } from '@shoal/platform';\nimport { costOf } from '@shoal/pricing';\nexport const ok = [createLogger, costOf];\n")).toEqual([]);
    expect(await lint('libs/workflow-runtime/src/ok.ts', "import { parseWorkflowGraph } from '@shoal/workflow-dsl';\nexport const ok = parseWorkflowGraph;\n")).toEqual([]);
  });
});
