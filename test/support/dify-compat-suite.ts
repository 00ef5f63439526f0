// The Dify compatibility fixtures (test/compat) run against a Shoal: each app is imported through
// POST /v1/workflows/import and its case runs go through POST /v1/workflows/{id}/runs (blocking, and
// streaming for chatflows) against the mock provider; status and outputs must be what Dify gives.
// One suite, run in process (test/int), against standalone and against the distributed services (test/e2e).
import { parse } from 'yaml';
import type { MockProvider } from '@shoal/testing';
import { loadCompatFixtures, type CompatFixture, type CompatRun } from '../compat/compat-fixtures.loader';

export interface CompatTarget {
  url: string;
  apiKey: string;
  /** The mock provider the target's mock-chat model calls (the cases inject faults into it). */
  mock: MockProvider;
}

/** Node types the runtime does not run yet: the import refuses them, naming each node (none today: every type the fixtures use runs). */
const NOT_YET = new Set<string>();

/** Fixtures whose node types run, but which use a part of them Shoal refuses at import for now. */
const FEATURE_GAPS: Readonly<Record<string, RegExp>> = {};

/**
 * What a fixture shows today: it runs end to end (chatflows as turns of conversations); or it is
 * refused at import, with a message naming what Shoal does not run yet (so the test fails, and the
 * fixture moves to the running ones, once it does).
 */
type Plan = { kind: 'runs' } | { kind: 'refused'; naming: RegExp };

function planFor(f: CompatFixture): Plan {
  const gap = FEATURE_GAPS[f.name];
  if (gap) return { kind: 'refused', naming: gap };
  const types = (parse(f.yaml) as { workflow: { graph: { nodes: Array<{ data: { type: string } }> } } }).workflow.graph.nodes.map(
    (n) => n.data.type,
  );
  const missing = [...new Set(types.filter((t) => NOT_YET.has(t)))];
  if (missing.length) return { kind: 'refused', naming: new RegExp(missing.map((t) => `'${t}'`).join('|')) };
  return { kind: 'runs' };
}

/**
 * The host the http-request fixtures call (their `api_base` environment variable) and the
 * document-extractor fixtures' file URLs name (in their inputs): replaced by the target's mock provider, which the target must let its http-request nodes reach (SHOAL_HTTP_ALLOW).
 */
export const COMPAT_HTTP_PLACEHOLDER = 'http://compat-http.invalid';

/** Declares the suite: a describe per fixture, run against `target()` (resolved when the tests run). */
export function difyCompatSuite(t: () => CompatTarget): void {
  const fixtures = loadCompatFixtures().map((f) => ({ f, plan: planFor(f) }));
  const pointedAtMock = (yaml: string) => yaml.split(COMPAT_HTTP_PLACEHOLDER).join(t().mock.url);
  // file inputs given by URL (document-extractor fixtures) name the placeholder too
  const inputsFor = (run: CompatRun) => JSON.parse(pointedAtMock(JSON.stringify(run.inputs ?? {}))) as unknown;
  async function call(method: string, path: string, body: string, contentType: string) {
    const res = await fetch(`${t().url}${path}`, {
      method,
      headers: { authorization: `Bearer ${t().apiKey}`, 'content-type': contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Runs one case run; a chatflow turn continues `conversationId` when the case says so. */
  async function runCase(workflowId: string, run: CompatRun, conversationId: string | undefined) {
    if (run.mock_fault) t().mock.setFaults(run.mock_fault);
    try {
      const chat = run.query === undefined ? {} : { query: run.query, ...(run.conversation ? { conversation_id: conversationId } : {}) };
      const res = await call(
        'POST',
        `/v1/workflows/${workflowId}/runs`,
        JSON.stringify({ inputs: inputsFor(run), response_mode: 'blocking', user: run.user ?? 'compat-user', ...chat }),
        'application/json',
      );
      expect(res.status).toBe(200);
      return res.body;
    } finally {
      if (run.mock_fault) t().mock.setFaults(undefined);
    }
  }

  /** Runs one chatflow turn streaming: the message text as the `message` events carried it, and how the run ended. */
  async function streamTurn(workflowId: string, run: CompatRun, conversationId: string | undefined) {
    if (run.mock_fault) t().mock.setFaults(run.mock_fault);
    try {
      const res = await fetch(`${t().url}/v1/workflows/${workflowId}/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t().apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          inputs: inputsFor(run),
          response_mode: 'streaming',
          user: run.user ?? 'compat-user',
          query: run.query,
          ...(run.conversation ? { conversation_id: conversationId } : {}),
        }),
      });
      expect(res.status).toBe(200);
      const events = (await res.text())
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => JSON.parse(l.slice(6)) as { event: string; answer?: string; conversation_id?: string; data?: { status?: string } });
      const messages = events.filter((e) => e.event === 'message');
      return {
        answer: messages.map((m) => m.answer).join(''),
        conversationId: events.find((e) => e.conversation_id)?.conversation_id,
        ended: events.filter((e) => e.event === 'message_end' || e.event === 'workflow_finished').map((e) => e.event),
        status: events.at(-1)?.data?.status,
      };
    } finally {
      if (run.mock_fault) t().mock.setFaults(undefined);
    }
  }

  describe.each(fixtures.map(({ f, plan }) => [f.name, f, plan] as const))('%s', (_name, f, plan) => {
    it('has a well-formed case file', () => {
      expect(f.case.ok ? null : f.case.error).toBeNull();
    });
    if (plan.kind === 'refused') {
      it(`is refused at import with a 422 naming what Shoal does not run yet (${plan.naming.source})`, async () => {
        const imported = await call('POST', '/v1/workflows/import', pointedAtMock(f.yaml), 'application/yaml');
        expect(imported.status).toBe(422);
        expect(JSON.stringify(imported.body)).toMatch(plan.naming);
      });
      return;
    }
    if (!f.case.ok) return;
    const theCase = f.case.value;
    it(`imports and runs as Dify does: ${theCase.runs.map((r) => r.expected.status).join(', ')}`, async () => {
      const imported = await call('POST', '/v1/workflows/import', pointedAtMock(f.yaml), 'application/yaml');
      expect(imported.body).toMatchObject({ object: 'workflow' });
      let conversationId: string | undefined;
      for (const [i, run] of theCase.runs.entries()) {
        const got = await runCase(imported.body.id as string, run, conversationId);
        if (theCase.mode === 'advanced-chat') {
          // a new conversation unless the case continues the previous one
          if (run.conversation) expect(got.conversation_id).toBe(conversationId);
          else expect(got.conversation_id).not.toBe(conversationId);
          conversationId = got.conversation_id as string;
        }
        const seen = { run: i, status: got.status, outputs: run.expected.status === 'failed' ? null : got.outputs, error: got.error };
        expect(seen).toEqual({ run: i, status: run.expected.status, outputs: run.expected.outputs, error: seen.error });
      }
    });
    if (theCase.mode !== 'advanced-chat') return;
    it('streams each turn as Dify chat events whose text is the message', async () => {
      const imported = await call('POST', '/v1/workflows/import', pointedAtMock(f.yaml), 'application/yaml');
      let conversationId: string | undefined;
      for (const [i, run] of theCase.runs.entries()) {
        const got = await streamTurn(imported.body.id as string, run, conversationId);
        conversationId = got.conversationId;
        const failed = run.expected.status === 'failed';
        expect({ run: i, status: got.status, answer: failed ? null : got.answer, ended: got.ended }).toEqual({
          run: i,
          status: run.expected.status,
          answer: failed ? null : run.expected.answer,
          ended: failed ? ['workflow_finished'] : ['message_end', 'workflow_finished'],
        });
      }
    });
  });
}
