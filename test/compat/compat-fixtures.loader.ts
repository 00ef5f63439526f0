// Loads the Dify compatibility fixtures: each test/compat/dsl/<name>.yml with its <name>.case.json.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { FaultSpec } from '@shoal/testing';

export const COMPAT_DSL_DIR = path.join(__dirname, 'dsl');

/** Run statuses as Dify reports them in workflow_finished. */
export const COMPAT_STATUSES = ['succeeded', 'failed', 'partial-succeeded', 'stopped'] as const;

const mockFaultSchema = z.strictObject({
  status: z.number().int().min(400).max(599).optional(),
  times: z.number().int().positive().optional(),
  onlyModels: z.array(z.string()).optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  retryAfter: z.number().nonnegative().optional(),
}) satisfies z.ZodType<FaultSpec>;

const runSchema = z.strictObject({
  inputs: z.record(z.string(), z.unknown()),
  /** advanced-chat only: the user message (sys.query). */
  query: z.string().optional(),
  /** advanced-chat only: continue the conversation of the previous run instead of starting one. */
  conversation: z.literal('same-as-previous').optional(),
  /** The API `user` (sys.user_id); the runner picks one when absent. */
  user: z.string().optional(),
  /** A server-level fault of the mock provider for this run (libs/testing FaultSpec). */
  mock_fault: mockFaultSchema.optional(),
  expected: z.strictObject({
    status: z.enum(COMPAT_STATUSES),
    /** Exact run outputs; null when the run fails (not compared). */
    outputs: z.record(z.string(), z.unknown()).nullable(),
    /** advanced-chat: the message text. */
    answer: z.string().optional(),
  }),
});

export const compatCaseSchema = z.strictObject({
  description: z.string().min(20),
  mode: z.enum(['workflow', 'advanced-chat']),
  runs: z.array(runSchema).min(1),
});

export type CompatCase = z.infer<typeof compatCaseSchema>;
export type CompatRun = CompatCase['runs'][number];

export interface CompatFixture {
  name: string;
  yamlPath: string;
  yaml: string;
  casePath: string;
  /** The parsed case, or why it is not well-formed. */
  case: { ok: true; value: CompatCase } | { ok: false; error: string };
}

/** Every fixture in `dir`, sorted by name. A YAML without its case file (or the reverse) is an error. */
export function loadCompatFixtures(dir = COMPAT_DSL_DIR): CompatFixture[] {
  const files = readdirSync(dir);
  const names = new Set<string>();
  for (const f of files) {
    if (f.endsWith('.case.json')) names.add(f.slice(0, -'.case.json'.length));
    else if (f.endsWith('.yml')) names.add(f.slice(0, -'.yml'.length));
    else throw new Error(`${path.join(dir, f)}: only <name>.yml and <name>.case.json belong in ${dir}`);
  }
  return [...names].sort().map((name) => {
    const yamlPath = path.join(dir, `${name}.yml`);
    const casePath = path.join(dir, `${name}.case.json`);
    if (!files.includes(`${name}.yml`)) throw new Error(`${casePath} has no ${name}.yml`);
    if (!files.includes(`${name}.case.json`)) throw new Error(`${yamlPath} has no ${name}.case.json`);
    return { name, yamlPath, yaml: readFileSync(yamlPath, 'utf8'), casePath, case: parseCase(readFileSync(casePath, 'utf8')) };
  });
}

function parseCase(text: string): CompatFixture['case'] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = compatCaseSchema.safeParse(json);
  if (!parsed.success)
    return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  const problems = checkRuns(parsed.data);
  return problems.length > 0 ? { ok: false, error: problems.join('; ') } : { ok: true, value: parsed.data };
}

/** Rules the schema cannot say: what each mode's runs carry, and what a failed run compares. */
function checkRuns(c: CompatCase): string[] {
  const problems: string[] = [];
  c.runs.forEach((run, i) => {
    const at = `runs[${i}]`;
    const chat = c.mode === 'advanced-chat';
    if (chat && run.query === undefined) problems.push(`${at}: an advanced-chat run needs a query`);
    if (!chat && (run.query !== undefined || run.conversation !== undefined))
      problems.push(`${at}: a workflow run has no query or conversation`);
    if (i === 0 && run.conversation) problems.push(`${at}: the first run has no previous conversation`);
    if (run.expected.status === 'failed' && run.expected.outputs !== null)
      problems.push(`${at}: a failed run's outputs are null (not compared)`);
    if (run.expected.status !== 'failed' && run.expected.outputs === null)
      problems.push(`${at}: outputs are required unless the run fails`);
    if (chat && run.expected.status !== 'failed') {
      if (run.expected.answer === undefined) problems.push(`${at}: an advanced-chat run expects an answer`);
      else if (run.expected.outputs?.answer !== run.expected.answer || Object.keys(run.expected.outputs).length !== 1) {
        problems.push(`${at}: an advanced-chat run's outputs are { answer } with the answer text`);
      }
    }
    if (!chat && run.expected.answer !== undefined) problems.push(`${at}: a workflow run has no answer`);
  });
  return problems;
}
