// Sampling parameters are checked where they are written (chat completions, an LLM node's
// completion_params), and a provider's own validation error reaches the client once, with its param.
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
beforeAll(async () => {
  s = await startInProcessServices('model_params');
}, 90_000);
afterAll(() => s?.close());

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const chat = (extra: Record<string, unknown>) =>
  post('/v1/chat/completions', { model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }], ...extra });

it.each([
  [{ temperature: 3 }, 'temperature', 'must be between 0 and 2'],
  [{ top_p: -0.5 }, 'top_p', 'must be between 0 and 1'],
  [{ presence_penalty: 2.5 }, 'presence_penalty', 'must be between -2 and 2'],
  [{ frequency_penalty: -9 }, 'frequency_penalty', 'must be between -2 and 2'],
  [{ max_tokens: 0 }, 'max_tokens', 'must be a positive integer'],
  [{ n: 3 }, 'n', 'must be 1'],
])('refuses chat completions with %j: 400 in OpenAI’s shape naming %s, and no provider call', async (extra, param, says) => {
  const before = s.mock.calls();
  const res = await chat(extra);
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param, code: 'validation_failed' });
  expect(res.body.error.message).toContain(says);
  expect(s.mock.calls()).toBe(before);
});

it('refuses a workflow whose LLM node has out-of-range completion_params, naming the path, storing nothing', async () => {
  const before = await s.prisma.workflow.count();
  const res = await post('/v1/workflows', {
    name: 'hot',
    graph: {
      nodes: [
        { id: 'start', data: { type: 'start', variables: [] } },
        {
          id: 'llm',
          data: {
            type: 'llm',
            model: { name: 'mock-chat', completion_params: { temperature: 3, top_p: 2 } },
            prompt_template: [{ role: 'user', text: 'hi' }],
          },
        },
        { id: 'end', data: { type: 'end', outputs: [{ variable: 'a', value_selector: ['llm', 'text'] }] } },
      ],
      edges: [
        { source: 'start', target: 'llm' },
        { source: 'llm', target: 'end' },
      ],
    },
  });
  expect(res.status).toBe(400);
  expect(res.type).toMatch(/^application\/problem\+json/);
  expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(
    expect.arrayContaining([
      'graph.nodes[1].data.model.completion_params.temperature',
      'graph.nodes[1].data.model.completion_params.top_p',
    ]),
  );
  expect(await s.prisma.workflow.count()).toBe(before);
});

it('relays a provider’s 400 once, with its param (it used to read "400 <message> | <message>", param null)', async () => {
  const message = "Invalid 'logit_bias': expected an object mapping token ids to numbers.";
  s.mock.setFaults({
    status: 400,
    errorBody: { error: { message, type: 'invalid_request_error', param: 'logit_bias', code: 'invalid_value' } },
    times: 1,
  });
  const res = await chat({ logit_bias: { '1': 'x' } });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ message, param: 'logit_bias', type: 'invalid_request_error' });
});
